"""Cities and regions."""
import json

import pytest

from ctrack.gazetteer import DATA_DIR, get_gazetteer


@pytest.mark.parametrize("text,name,iso3", [
    ("Dushanbe", "Dushanbe", "TJK"), ("Bali", "Bali", "IDN"), ("Gigiri", "Nairobi", "KEN"), ("New York", "New York", "USA"),
    ("New York City", "New York", "USA"), ("Kenitra", "Kenitra", "MAR"), ("Fallujah", "Fallujah", "IRQ"),
    ("Falluja", "Fallujah", "IRQ"), ("Ashgabat", "Ashgabat", "TKM"), ("Ashkhabad", "Ashgabat", "TKM"),
    ("Bishkek", "Bishkek", "KGZ"), ("Nur-Sultan", "Astana", "KAZ"), ("Astana", "Astana", "KAZ"),
    ("Tashkent", "Tashkent", "UZB"), ("Toshkent", "Tashkent", "UZB"), ("The Hague", "The Hague", "NLD"),
    ("Geneva", "Geneva", "CHE"), ("Genève", "Geneva", "CHE"), ("Vienna", "Vienna", "AUT"), ("Brussels", "Brussels", "BEL"),
    ("Georgetown", "Georgetown", "GUY"), ("Cairo", "Cairo", "EGY"), ("Rabat", "Rabat", "MAR"), ("Sarajevo", "Sarajevo", "BIH"),
    ("Kiev", "Kyiv", "UKR"), ("Bogota", "Bogotá", "COL"), ("Tripoli", "Tripoli", "LBY"), ("Baghdad", "Baghdad", "IRQ"),
    ("Dushanbe, Tajikistan", "Dushanbe", "TJK"), ("Valletta", "Valletta", "MLT"), ("Vaduz", "Vaduz", "LIE"),
])
def test_lookup_city(text, name, iso3):
    c = get_gazetteer().lookup_city(text)
    assert c is not None and (c.name, c.iso3) == (name, iso3)


def test_prefer_iso3_picks_the_country_the_text_gives():
    gaz = get_gazetteer()
    assert gaz.lookup_city("Victoria", prefer_iso3="SYC").iso3 == "SYC"
    assert gaz.lookup_city("Tripoli", prefer_iso3="LBN").iso3 == "LBN"
    assert gaz.lookup_city("Tripoli, Lebanon").iso3 == "LBN"
    assert gaz.lookup_city("Georgetown", prefer_iso3="ZZZ").iso3 == "GUY"  # no such country: default
    assert gaz.lookup_city("Vienna").iso3 == "AUT" and gaz.lookup_city("Vienna", "USA").iso3 == "USA"


def test_capitals_and_populations():
    gaz = get_gazetteer()
    assert gaz.lookup_city("Dushanbe").capital and gaz.lookup_city("Dushanbe").population > 500_000
    assert not gaz.lookup_city("Kenitra").capital
    assert gaz.lookup_city("Fallujah").population > 100_000  # places.json entry takes geonames' figure


@pytest.mark.parametrize("text", ["Qwertyville", "", None, "Security Council", "Tajik"])
def test_lookup_city_rejects(text):
    assert get_gazetteer().lookup_city(text) is None


@pytest.mark.parametrize("name,ambiguous", [
    ("Nice", True), ("Reading", True), ("Mary", True), ("Hassan", True), ("Osh", True), ("Singapore", True),
    ("Djibouti", True), ("Police", True), ("Washington", True), ("Sale", True),
    ("Dushanbe", False), ("Nairobi", False), ("Kenitra", False), ("Bali", False), ("Georgetown", False),
    ("Male", True), ("Vaduz", False), ("Qwertyville", False),
])
def test_is_ambiguous_city(name, ambiguous):
    assert get_gazetteer().is_ambiguous_city(name) is ambiguous


def test_places_file_resolves_to_states():
    gaz = get_gazetteer()
    data = json.loads((DATA_DIR / "places.json").read_text(encoding="utf-8"))
    for p in data["places"]:
        gaz.state(p["iso3"])  # raises for a typo
        for alias in p["aliases"]:
            assert gaz.lookup_city(alias).name == p["name"], alias


def test_regions_partition_the_states_by_m49():
    gaz = get_gazetteer()
    subregions = [r for r in json.loads((DATA_DIR / "regions.json").read_text(encoding="utf-8"))["regions"]
                  if r["source"].startswith("M49") and r["name"] not in
                  {"Africa", "Sub-Saharan Africa", "Americas", "Latin America and the Caribbean", "Asia", "Europe", "Oceania"}]
    seen = [iso for r in subregions for iso in r["members"]]
    assert sorted(seen) == sorted(s.iso3 for s in gaz.states())  # every state in exactly one sub-region
    assert len(gaz.region_members("Africa")) == 54
    assert len(gaz.region_members("Asia")) + len(gaz.region_members("Europe")) + len(gaz.region_members("Africa")) \
        + len(gaz.region_members("Americas")) + len(gaz.region_members("Oceania")) == 195


@pytest.mark.parametrize("text,members", [
    ("Central Asia", ("KAZ", "KGZ", "TJK", "TKM", "UZB")),
    ("the five Central Asian States", ("KAZ", "KGZ", "TJK", "TKM", "UZB")),
    ("all five countries of Central Asia", ("KAZ", "KGZ", "TJK", "TKM", "UZB")),
    ("Central Asian", ("KAZ", "KGZ", "TJK", "TKM", "UZB")),
    ("central asia", ("KAZ", "KGZ", "TJK", "TKM", "UZB")),
    ("Lake Chad Basin", ("CMR", "NER", "NGA", "TCD")),
    ("the Horn of Africa", ("DJI", "ERI", "ETH", "SOM")),
    ("Western Balkans", ("ALB", "BIH", "MKD", "MNE", "SRB")),
    ("Maghreb", ("DZA", "LBY", "MAR", "MRT", "TUN")),
    ("GCC States", ("ARE", "BHR", "KWT", "OMN", "QAT", "SAU")),
    ("Gulf States", ("ARE", "BHR", "KWT", "OMN", "QAT", "SAU")),
])
def test_region_members(text, members):
    assert get_gazetteer().region_members(text) == members


def test_regions_lists():
    gaz = get_gazetteer()
    names = gaz.regions()
    for r in ("Central Asia", "South-eastern Asia", "Western Asia", "Northern Africa", "Sahel", "Caribbean",
              "Latin America", "Middle East and North Africa", "South Asia", "Western Africa", "Central Africa",
              "Southern Africa", "Eastern Africa"):
        assert r in names
    assert len(gaz.region_members("Sahel")) == 10
    assert gaz.region_members("South-East Asia") == gaz.region_members("South-eastern Asia")
    assert gaz.region_members("West African States") == gaz.region_members("Western Africa")
    assert gaz.region_members("MENA") == gaz.region_members("Middle East and North Africa")
    assert "Central Asia" in gaz.regions_of("TJK") and "Asia" in gaz.regions_of("TJK")
    assert gaz.regions_of("XXX") == []
    assert gaz.region_members("Atlantis") == () and gaz.region_members("") == ()
    assert gaz.region_name("Central Asian states") == "Central Asia"
