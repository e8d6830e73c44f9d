"""States: the 195, canonical names, long names, aliases, demonyms, codes."""

import pytest

from ctrack.gazetteer import Gazetteer, get_gazetteer, normalize_name


def test_all_member_and_observer_states():
    gaz = get_gazetteer()
    states = gaz.states()
    assert len(states) == 195
    assert sum(s.observer for s in states) == 2
    assert {s.iso3 for s in states if s.observer} == {"VAT", "PSE"}
    assert gaz.conflicts == []  # no name, alias or demonym points at two states
    assert all(s.demonyms for s in states if s.iso3 not in {"COG", "COD", "DMA", "VAT"})


def test_singleton_and_a_fresh_load_agree():
    assert get_gazetteer() is get_gazetteer()
    fresh = Gazetteer()
    assert fresh is not get_gazetteer()
    assert [s.iso3 for s in fresh.states()] == [s.iso3 for s in get_gazetteer().states()]


@pytest.mark.parametrize("text,iso3", [
    ("Tajikistan", "TJK"), ("the Government of Tajikistan", "TJK"), ("Government of the Republic of Tajikistan", "TJK"),
    ("the Republic of Kazakhstan", "KAZ"), ("Tajik authorities", "TJK"), ("the Tajik Government", "TJK"),
    ("Tajikistan's", "TJK"), ("the Arab Republic of Egypt", "EGY"), ("Arab Republic of Egypt", "EGY"),
    ("the Kingdom of Belgium", "BEL"), ("the Republic of Iraq", "IRQ"), ("the Kingdom of Morocco", "MAR"),
    ("the State of Qatar", "QAT"), ("State of Qatar", "QAT"), ("UK", "GBR"), ("U.K.", "GBR"), ("Britain", "GBR"),
    ("United Kingdom of Great Britain and Northern Ireland", "GBR"), ("U.S.", "USA"), ("US", "USA"), ("USA", "USA"),
    ("United States of America", "USA"), ("Russia", "RUS"), ("Turkey", "TUR"), ("Turkiye", "TUR"),
    ("Syria", "SYR"), ("Iran (Islamic Republic of)", "IRN"), ("Islamic Republic of Iran", "IRN"),
    ("South Korea", "KOR"), ("DPRK", "PRK"), ("Viet Nam", "VNM"), ("Vietnam", "VNM"), ("Ivory Coast", "CIV"),
    ("Cote d'Ivoire", "CIV"), ("Czech Republic", "CZE"), ("Holy See", "VAT"), ("Vatican", "VAT"),
    ("State of Palestine", "PSE"), ("Palestine", "PSE"), ("Saint Lucia", "LCA"), ("St Lucia", "LCA"),
    ("St. Kitts and Nevis", "KNA"), ("DRC", "COD"), ("Republic of the Congo", "COG"), ("Congo", "COG"),
    ("Bosnia and Herzegovina", "BIH"), ("BiH", "BIH"), ("Kyrgyz Republic", "KGZ"), ("United Republic of Tanzania", "TZA"),
    ("the Netherlands", "NLD"), ("The Gambia", "GMB"), ("TJK", "TJK"), ("GBR", "GBR"),
])
def test_lookup_state_names(text, iso3):
    st = get_gazetteer().lookup_state(text)
    assert st is not None and st.iso3 == iso3


@pytest.mark.parametrize("text,iso3", [
    ("Tajik", "TJK"), ("Iraqi", "IRQ"), ("Egyptian", "EGY"), ("Belgian", "BEL"), ("Moroccan", "MAR"),
    ("Kenyan", "KEN"), ("Brazilian", "BRA"), ("Australian", "AUS"), ("Canadian", "CAN"), ("Spanish", "ESP"),
    ("Indonesian", "IDN"), ("Uzbek", "UZB"), ("Kazakh", "KAZ"), ("Kyrgyz", "KGZ"), ("Turkmen", "TKM"),
    ("Afghan", "AFG"), ("British", "GBR"), ("American", "USA"), ("Emirati", "ARE"), ("Nigerien", "NER"),
    ("Nigerian", "NGA"), ("Burkinabe", "BFA"), ("Ivorian", "CIV"), ("Filipino", "PHL"), ("Dutch", "NLD"),
    ("Swiss", "CHE"), ("Palestinian", "PSE"), ("Sudanese", "SDN"), ("South Sudanese", "SSD"),
])
def test_lookup_state_demonyms(text, iso3):
    gaz = get_gazetteer()
    st = gaz.lookup_state(text)
    assert st is not None and st.iso3 == iso3
    assert text in st.demonyms


@pytest.mark.parametrize("text", ["IN", "AT", "tjk", "us", "Africa", "Central Asia", "Congolese", "Korean", "",
                                  None, "the", "Islamic State", "United Nations", "Government"])
def test_lookup_state_rejects(text):
    assert get_gazetteer().lookup_state(text) is None


def test_canonical_names():
    gaz = get_gazetteer()
    expected = {"TJK": "Tajikistan", "RUS": "Russian Federation", "GBR": "United Kingdom", "USA": "United States",
                "IRN": "Iran", "SYR": "Syrian Arab Republic", "KOR": "Republic of Korea", "TUR": "Türkiye",
                "BIH": "Bosnia and Herzegovina", "EGY": "Egypt", "IRQ": "Iraq", "MAR": "Morocco", "VAT": "Holy See",
                "PSE": "State of Palestine", "VEN": "Venezuela", "BOL": "Bolivia", "TZA": "United Republic of Tanzania",
                "MDA": "Republic of Moldova", "COD": "Democratic Republic of the Congo", "VNM": "Viet Nam"}
    for iso3, name in expected.items():
        assert gaz.state(iso3).name == name
    assert gaz.state("TJK").iso2 == "TJ"
    assert "Republic of Tajikistan" in gaz.state("TJK").long_names
    with pytest.raises(KeyError):
        gaz.state("XXX")


def test_countrynames_fallback_for_other_languages():
    pytest.importorskip("countrynames")
    gaz = get_gazetteer()
    assert gaz.lookup_state("Deutschland").iso3 == "DEU"
    assert gaz.lookup_state("Tadschikistan").iso3 == "TJK"


def test_normalize_name_rules():
    assert normalize_name("Organisation for Security and Co-operation in Europe") == \
        normalize_name("the Organization for Security and Cooperation in Europe")
    assert normalize_name("UN Office of Counter-Terrorism") == "unitednationsofficeofcounterterrorism"
    assert normalize_name("U.N.") == "unitednations"
    assert normalize_name("Michèle Coninsx") == "micheleconinsx"
    assert normalize_name("Centre & Programme") == "centerandprogram"
    assert normalize_name("The Hague") == "hague"
    assert normalize_name("") == "" and normalize_name(None) == ""
