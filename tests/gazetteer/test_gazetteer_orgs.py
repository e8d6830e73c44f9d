"""Organizations: data integrity, acronyms, spelling and UN-prefix variants, phrases."""
import json
from collections import Counter

import pytest

from ctrack.gazetteer import DATA_DIR, get_gazetteer, is_acronym_like, spelling_variants
from ctrack.schema import ActorKind


def test_data_file_is_well_formed():
    rows = json.loads((DATA_DIR / "organizations.json").read_text(encoding="utf-8"))["organizations"]
    assert len(rows) >= 150
    keys = Counter(r["key"] for r in rows)
    assert [k for k, n in keys.items() if n > 1] == []
    acrs = Counter(r["acronym"] for r in rows if r["acronym"])
    assert [a for a, n in acrs.items() if n > 1] == []
    for r in rows:
        assert set(r) == {"key", "name", "acronym", "kind", "aliases", "former_names", "iso3"}, r["key"]
        ActorKind(r["kind"])
        assert (r["iso3"] is not None) == (r["kind"] == "government_body"), r["key"]
    assert get_gazetteer().conflicts == []


@pytest.mark.parametrize("text,key", [
    ("CTED", "cted"), ("UNOCT", "unoct"), ("UN Office of Counter-Terrorism", "unoct"),
    ("the UN's Office of Counter-Terrorism", "unoct"), ("United Nations Office of Counter Terrorism", "unoct"),
    ("Office of Counter-Terrorism", "unoct"), ("UN Counter-Terrorism Center", "uncct"),
    ("Counter Terrorism Committee", "ctc"), ("Counterterrorism Committee", "ctc"),
    ("Security Council Counter-Terrorism Committee", "ctc"),
    ("the Counter-Terrorism Committee's Executive Directorate", "cted"),
    ("the Counter-Terrorism Committee’s Executive Directorate", "cted"), ("UN CTED", "cted"),
    ("UN Security Council", "security-council"), ("United Nations General Assembly", "general-assembly"),
    ("UNCTITF", "ctitf"), ("Global Counter-Terrorism Coordination Compact", "compact"),
    ("UN Global Counter-Terrorism Coordination Compact", "compact"),
    ("United Nations Regional Centre for Preventive Diplomacy", "unrcca"),
    ("Organisation for Security and Cooperation in Europe", "osce"),
    ("Organization for Security and Co-operation in Europe", "osce"), ("OSCE", "osce"),
    ("Shanghai Cooperation Organization", "sco"), ("Shanghai Co-operation Organisation", "sco"),
    ("Interpol", "interpol"), ("INTERPOL", "interpol"), ("International Criminal Police Organisation", "interpol"),
    ("CARICOM IMPACS", "impacs"), ("Caricom", "caricom"), ("Arab League", "las"), ("Gulf Cooperation Council", "gcc"),
    ("Department of Political Affairs", "dppa"), ("UN DPPA", "dppa"), ("DPKO", "dpo"),
    ("Department of Peacekeeping Operations", "dpo"), ("Organisation of the Islamic Conference", "oic"),
    ("UN Women", "unwomen"), ("UN-Women", "unwomen"), ("UN Secretary-General", "secretary-general"),
    ("Europol", "europol"), ("Frontex", "frontex"), ("CIS ATC", "cis-atc"), ("SCO RATS", "sco-rats"),
    ("RATS SCO", "sco-rats"), ("ACSRT/CAERT", "acsrt"), ("Egmont Group", "egmont"), ("EAG", "eag"),
    ("MENAFATF", "menafatf"), ("GIABA", "giaba"), ("MONEYVAL", "moneyval"), ("Global Counterterrorism Forum", "gctf"),
    ("Global Counter-Terrorism Forum", "gctf"), ("Hedayah", "hedayah"), ("G5 Sahel", "g5-sahel"),
    ("Peace and Development Trust Fund", "unpdf"), ("UN Human Rights", "ohchr"), ("1267 Monitoring Team", "monitoring-team"),
    ("Al-Azhar", "al-azhar"), ("Royal Canadian Mounted Police", "rcmp"),
])
def test_lookup_org(text, key):
    org = get_gazetteer().lookup_org(text)
    assert org is not None and org.key == key


@pytest.mark.parametrize("text", ["who", "United Nations", "UN", "the United Nations", "Committee", "", None,
                                  "Development Programme", "UN Tajikistan", "Ministry of Foreign Affairs"])
def test_lookup_org_rejects(text):
    assert get_gazetteer().lookup_org(text) is None


def test_kinds_and_former_names():
    gaz = get_gazetteer()
    assert gaz.organization("interpol").kind is ActorKind.REGIONAL_ORG
    assert gaz.organization("cted").kind is ActorKind.UN_ENTITY
    assert gaz.organization("gcerf").kind is ActorKind.OTHER_ORG
    afp = gaz.organization("afp")
    assert afp.kind is ActorKind.GOVERNMENT_BODY and afp.iso3 == "AUS"
    assert "Conference on Security and Co-operation in Europe" in gaz.organization("osce").former_names
    assert gaz.lookup_org("Conference on Security and Co-operation in Europe").key == "osce"
    with pytest.raises(KeyError):
        gaz.organization("nope")


def test_acronym_like():
    assert is_acronym_like("CTED") and is_acronym_like("U.S.") and is_acronym_like("BiH")
    assert not is_acronym_like("Interpol") and not is_acronym_like("Al-Azhar") and not is_acronym_like("G5 Sahel")


def test_spelling_variants():
    v = spelling_variants("Organization for Security and Co-operation in Europe")
    assert "Organisation for Security and Co-operation in Europe" in v
    assert "Organization for Security and Cooperation in Europe" in v
    assert "Organization for Security and Co operation in Europe" in v
    assert "United Nations Counter-Terrorism Center" in spelling_variants("United Nations Counter-Terrorism Centre")
    assert "Counterterrorism Committee" in spelling_variants("Counter-Terrorism Committee")


def test_phrases_cover_names_variants_and_acronyms_separately():
    gaz = get_gazetteer()
    phrases = gaz.phrases()
    assert all(len(p) == 3 for p in phrases)
    by_label = Counter(label for _, label, _ in phrases)
    assert set(by_label) == {"STATE", "DEMONYM", "ORG", "REGION", "CITY"}
    index = {(s.lower(), label): key for s, label, key in phrases}
    assert index[("un office of counter-terrorism", "ORG")] == "unoct"
    assert index[("united nations counter-terrorism center", "ORG")] == "uncct"
    assert index[("organisation for security and cooperation in europe", "ORG")] == "osce"
    assert index[("arab republic of egypt", "STATE")] == "EGY"
    assert index[("tajik", "DEMONYM")] == "TJK"
    assert index[("central asian", "REGION")] == "Central Asia"
    assert index[("latin american", "REGION")] == "Latin America"
    assert index[("dushanbe", "CITY")] == "Dushanbe|TJK"
    assert index[("gigiri", "CITY")] == "Nairobi|KEN"
    assert ("nice", "CITY") not in index  # ambiguous: exact-case list only
    assert not any(s in {"CTED", "UK", "US"} for s, _, _ in phrases)  # acronyms never matched case-insensitively
    acr = {s: (label, key) for s, label, key in gaz.acronym_phrases()}
    assert acr["CTED"] == ("ORG", "cted") and acr["UNCTITF"] == ("ORG", "ctitf")
    assert acr["UK"] == ("STATE", "GBR") and acr["U.S."] == ("STATE", "USA")
    assert acr["Osh"] == ("CITY", "Osh|KGZ") and acr["Nice"][0] == "CITY"
    assert "Singapore" not in acr  # a state name: matched as STATE
