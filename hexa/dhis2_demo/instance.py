"""What the demo DHIS2 instance holds, built from a snapshot of the demo workspace's database
(written by `seed_demo`, see hexa/core/demo_connections.py), so that DHIS2's answers and the
database's agree: the country, its districts and their health facilities as organisation units
(levels 1, 2 and 3), monthly malaria data elements reported by the facilities (tested,
confirmed cases, deaths: every age group together), an indicator (test positivity rate), and
the data set that collects them.

The snapshot is JSON: {"districts": [{"id", "name", "region", "population"}], "facilities":
[{"id", "name", "district_id", "type", "opened_on"}], "values": [[facility_id, "YYYYMM",
tested, confirmed, deaths]]}.
"""

import hashlib
import json
import string
from dataclasses import dataclass, field
from pathlib import Path

CREATED = "2020-01-01T00:00:00.000"
DEFAULT_CATEGORY_OPTION_COMBO = "HllvX50cXC0"  # DHIS2's "default" combination, the same id on every instance
_ALPHABET = string.ascii_letters + string.digits


def uid(key: str) -> str:
    """A DHIS2-shaped identifier (11 characters, a letter first), the same for the same key."""
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest(), "big")
    chars = [string.ascii_letters[digest % 52]]
    digest //= 52
    for _ in range(10):
        chars.append(_ALPHABET[digest % 62])
        digest //= 62
    return "".join(chars)


ROOT = uid("ou:country")
TESTED, CONFIRMED, DEATHS = uid("de:tested"), uid("de:confirmed"), uid("de:deaths")
POSITIVITY = uid("in:positivity")
DATA_SET = uid("ds:malaria-monthly")
LEVEL_NAMES = {1: "National", 2: "District", 3: "Facility"}
# which number of a snapshot's (tested, confirmed, deaths) each data element is
ELEMENT_INDEX = {TESTED: 0, CONFIRMED: 1, DEATHS: 2}


def _identifiable(id_, name, code, **more) -> dict:
    return {
        "id": id_, "name": name, "displayName": name, "shortName": name[:50], "displayShortName": name[:50],
        "code": code, "created": CREATED, "lastUpdated": CREATED, **more,
    }


@dataclass
class Instance:
    organisation_units: list[dict] = field(default_factory=list)
    levels: list[dict] = field(default_factory=list)
    data_elements: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    data_sets: list[dict] = field(default_factory=list)
    # organisation unit uid -> the ids of the facilities at or below it
    facilities_under: dict[str, list[int]] = field(default_factory=dict)
    facility_uid: dict[int, str] = field(default_factory=dict)
    # month ("YYYYMM") -> facility id -> (tested, confirmed, deaths)
    values: dict[str, dict[int, tuple[int, int, int]]] = field(default_factory=dict)

    def unit(self, id_: str) -> dict | None:
        return self._units.get(id_)

    def __post_init__(self):
        self._units = {}

    def collection(self, name: str) -> list[dict]:
        return {
            "organisationUnits": self.organisation_units,
            "organisationUnitLevels": self.levels,
            "dataElements": self.data_elements,
            "indicators": self.indicators,
            "dataSets": self.data_sets,
        }[name]

    def data_item(self, id_: str) -> dict | None:
        return next((item for item in self.data_elements + self.indicators if item["id"] == id_), None)

    def totals(self, months, facilities) -> tuple[int, int, int, bool]:
        """Sums of (tested, confirmed, deaths) over these months and facilities, and whether any was reported."""
        tested = confirmed = deaths = 0
        found = False
        for month in months:
            reported = self.values.get(month)
            if not reported:
                continue
            for facility in facilities:
                numbers = reported.get(facility)
                if numbers is not None:
                    found = True
                    tested, confirmed, deaths = tested + numbers[0], confirmed + numbers[1], deaths + numbers[2]
        return tested, confirmed, deaths, found

    def value(self, item_id, months, facilities, rounding=True) -> float | int | None:
        """What analytics answers for one data item over these months and facilities (None: no data)."""
        tested, confirmed, deaths, found = self.totals(months, facilities)
        if not found:
            return None
        if item_id == POSITIVITY:
            if tested == 0:
                return None
            rate = 100 * confirmed / tested
            return round(rate, 1) if rounding else rate
        return (tested, confirmed, deaths)[ELEMENT_INDEX[item_id]]


def build(snapshot: dict) -> Instance:
    instance = Instance()
    root = _identifiable(ROOT, "Sierra Leone", "SL", level=1, path=f"/{ROOT}", openingDate="1961-04-27T00:00:00.000")
    units = [root]
    district_uid = {}
    for district in snapshot.get("districts", []):
        id_ = district_uid[district["id"]] = uid(f"ou:district:{district['id']}")
        units.append(_identifiable(
            id_, district["name"], f"D{district['id']:03d}", level=2, path=f"/{ROOT}/{id_}", parent={"id": ROOT},
            openingDate="1961-04-27T00:00:00.000",
        ))
        instance.facilities_under[id_] = []
    instance.facilities_under[ROOT] = []
    for facility in snapshot.get("facilities", []):
        parent = district_uid.get(facility["district_id"])
        if parent is None:
            continue
        id_ = instance.facility_uid[facility["id"]] = uid(f"ou:facility:{facility['id']}")
        units.append(_identifiable(
            id_, facility["name"], f"F{facility['id']:04d}", level=3, path=f"/{ROOT}/{parent}/{id_}",
            parent={"id": parent}, openingDate=f"{facility.get('opened_on') or '1990-01-01'}T00:00:00.000",
        ))
        instance.facilities_under[id_] = [facility["id"]]
        instance.facilities_under[parent].append(facility["id"])
        instance.facilities_under[ROOT].append(facility["id"])
    for unit in units:
        children = [{"id": u["id"]} for u in units if u.get("parent", {}).get("id") == unit["id"]]
        unit["children"] = children
    instance.organisation_units = units
    instance._units = {unit["id"]: unit for unit in units}
    instance.levels = [
        _identifiable(uid(f"oul:{level}"), name, f"L{level}", level=level) for level, name in LEVEL_NAMES.items()
    ]
    element = dict(valueType="INTEGER_ZERO_OR_POSITIVE", aggregationType="SUM", domainType="AGGREGATE", periodType="Monthly")
    instance.data_elements = [
        _identifiable(TESTED, "Malaria tested", "MAL_TESTED", formName="Tested (RDT or microscopy)", **element),
        _identifiable(CONFIRMED, "Malaria confirmed cases", "MAL_CONFIRMED", formName="Confirmed cases", **element),
        _identifiable(DEATHS, "Malaria deaths", "MAL_DEATHS", formName="Deaths", **element),
    ]
    instance.indicators = [
        _identifiable(
            POSITIVITY, "Malaria test positivity rate (%)", "MAL_POSITIVITY",
            numerator=f"#{{{CONFIRMED}}}", numeratorDescription="Confirmed cases",
            denominator=f"#{{{TESTED}}}", denominatorDescription="Tested",
            indicatorType={"id": uid("it:percent"), "name": "Percent", "factor": 100}, annualized=False,
        )
    ]
    instance.data_sets = [
        _identifiable(
            DATA_SET, "Malaria monthly report", "MAL_MONTHLY", periodType="Monthly",
            dataSetElements=[{"dataElement": {"id": e["id"]}} for e in instance.data_elements],
            organisationUnits=[{"id": u["id"]} for u in units if u["level"] == 3],
        )
    ]
    for facility_id, month, tested, confirmed, deaths in snapshot.get("values", []):
        instance.values.setdefault(month, {})[facility_id] = (tested, confirmed, deaths)
    return instance


def load(path: str | Path | None) -> Instance:
    """The instance of the snapshot at `path`; an instance with only its country when there is none."""
    if path is None or not Path(path).exists():
        return build({})
    return build(json.loads(Path(path).read_text()))
