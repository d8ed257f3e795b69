"""The Marketing Cloud generator: mcdev files, what the query activities select (run for
real: the T-SQL transpiled by sqlglot to DuckDB, on tables holding the cases), automations,
environment values and findings.

Fixture: tests/fixtures/marketing_cloud/basic (a parent and a child business unit, Marketing
Cloud Connect, three query rules, email consent in _Subscribers and in the CRM).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot
from conftest import WriteEco, compile_eco, locate, where

from compiler.emit.artifact import Emitted
from compiler.emit.marketing_cloud import emit, tsql
from compiler.emit.marketing_cloud.automations import (
    START_DAY,
    TYPE_ID,
    Recurrence,
    ical,
    recurrence,
    slug,
)
from compiler.emit.marketing_cloud.data_extensions import document
from compiler.emit.marketing_cloud.names import data_extensions
from compiler.emit.names import relpath_problem
from compiler.model.integrations import Schedule
from compiler.resolved import ResolvedEcosystem

BASIC = Path(__file__).resolve().parent / "fixtures" / "marketing_cloud" / "basic"
DE_KEYS = ["CustomerKey", "Name", "Description", "IsSendable", "IsTestable"]
FIELD_KEYS = {"Name", "DefaultValue", "MaxLength", "Scale", "IsRequired", "IsPrimaryKey",
              "FieldType"}  # fmt: skip


def resolved_of(root: Path, env: str | None = None) -> ResolvedEcosystem:
    comp = compile_eco(root, env)
    assert comp.ok and comp.resolved is not None, [f.message for f in comp.findings]
    return comp.resolved


def files(root: Path = BASIC, env: str | None = None) -> dict[str, bytes]:
    arts, findings = emit(resolved_of(root, env))
    assert [f.message for f in findings] == []
    return {a.path: a.content for a in arts}


def doc(content: bytes) -> Any:
    return json.loads(content)


def test_mcdev_layout_and_determinism() -> None:
    out = files()
    assert sorted(out) == [
        ".mcdevrc.json",
        "deploy/mc/_ParentBU_/automation/engage_every_1_days_at_0230.automation-meta.json",
        "deploy/mc/_ParentBU_/dataExtension/MASTER.dataExtension-meta.json",
        "deploy/mc/_ParentBU_/dataExtension/SUMMARY.dataExtension-meta.json",
        "deploy/mc/_ParentBU_/query/build_master.query-meta.json",
        "deploy/mc/_ParentBU_/query/build_master.query-meta.sql",
        "deploy/mc/_ParentBU_/query/summarize.query-meta.json",
        "deploy/mc/_ParentBU_/query/summarize.query-meta.sql",
        "deploy/mc/child/automation/engage_every_1_hours.automation-meta.json",
        "deploy/mc/child/dataExtension/AUDIENCE.dataExtension-meta.json",
        "deploy/mc/child/query/brand_audience.query-meta.json",
        "deploy/mc/child/query/brand_audience.query-meta.sql",
    ]
    assert files() == out


def test_data_extension_has_mcdev_keys() -> None:
    master = doc(files()["deploy/mc/_ParentBU_/dataExtension/MASTER.dataExtension-meta.json"])
    assert list(master)[:5] == DE_KEYS
    assert master["CustomerKey"] == "MASTER" and master["Name"] == "Customer Master"
    assert master["SendableDataExtensionField"] == {"Name": "Key"}
    assert master["SendableSubscriberField"] == {"Name": "Subscriber Key"}
    assert (master["DataRetentionPeriodLength"], master["c__dataRetentionPeriodUnitOfMeasure"]) == (
        6,
        "Months",
    )
    assert master["c__retentionPolicy"] == "individialRecords"  # sic: mcdev's spelling
    assert master["r__folder_ContentType"] == "shared_dataextension"
    assert master["r__folder_Path"] == "Shared Items/Shared Data Extensions/Customers"
    for field in master["Fields"]:
        assert set(field) <= FIELD_KEYS
    key = master["Fields"][0]
    assert key == {
        "Name": "Key",
        "DefaultValue": "",
        "MaxLength": 20,
        "IsRequired": True,
        "IsPrimaryKey": True,
        "FieldType": "Text",
    }


def test_decimal_boolean_and_plain_data_extension() -> None:
    summary = doc(files()["deploy/mc/_ParentBU_/dataExtension/SUMMARY.dataExtension-meta.json"])
    fields = {f["Name"]: f for f in summary["Fields"]}
    assert (fields["Amount"]["MaxLength"], fields["Amount"]["Scale"]) == (12, 2)
    assert "MaxLength" not in fields["Seen"]
    assert fields["Flag"]["DefaultValue"] == "False"
    assert summary["IsSendable"] is False and "SendableDataExtensionField" not in summary
    assert summary["r__folder_Path"] == "Data Extensions"
    assert "DataRetentionPeriodLength" not in summary


def test_query_json_has_mcdev_keys() -> None:
    query = doc(files()["deploy/mc/_ParentBU_/query/build_master.query-meta.json"])
    assert list(query) == [
        "name",
        "key",
        "description",
        "r__dataExtension_key",  # current mcdev; the older `targetKey` is not written
        "targetUpdateTypeName",
        "isFrozen",
        "r__folder_Path",
    ]
    assert (query["r__dataExtension_key"], query["targetUpdateTypeName"]) == ("MASTER", "Update")
    assert query["isFrozen"] is False


def test_every_query_is_marketing_cloud_sql() -> None:
    for path, content in files().items():
        if path.endswith(".sql"):
            assert tsql.problems(content.decode()) == [], path


# ---------------------------------------------------------------- semantics on DuckDB
CONTACTS = [
    # id, Customer_Number__c, Email, FirstName, HasOptedOutOfEmail, LastModifiedDate, Segment, Score
    ("1", "C1", "old@x.com", "Alexandrina", 0, "2024-01-01", "gold", 50),
    ("2", "C1", "new@x.com", "Alexandrina", 0, "2024-02-01", "gold", 50),
    ("3", "C2", "opt@x.com", "Bo", 1, "2024-01-01", "gold", 50),  # opted out in the CRM
    ("4", "C3", "uns@x.com", "Cy", 0, "2024-01-01", "silver", 50),  # unsubscribed in MC
    ("5", "C4", "low@x.com", "Di", 0, "2024-01-01", "gold", 5),  # score filter
    ("6", "C5", "brz@x.com", "Ed", 0, "2024-01-01", "bronze", 50),  # segment filter
    ("7", None, "nok@x.com", "Fy", 0, "2024-01-01", "gold", 50),  # no key
    ("8", "C6", None, "Gu", 0, "2024-01-01", "gold", 50),  # no email (required)
    ("9", "C7", "new7@x.com", "Hal", None, "2024-01-01", "silver", 10),  # no opt-out recorded
    ("10", "C8", "nosub@x.com", "Ida", 0, "2024-01-01", "gold", 50),  # not a subscriber
]
SUBSCRIBERS = [("C1", "Active"), ("C2", "Active"), ("C3", "Unsubscribed"), ("C4", "Active"),
               ("C5", "Active"), ("C6", "Active"), ("C7", "Active")]  # fmt: skip


def run_on_duckdb(query: str, setup: list[str]) -> list[tuple[Any, ...]]:
    con = duckdb.connect()
    for statement in setup:
        con.execute(statement)
    sql = sqlglot.transpile(query, read="tsql", write="duckdb")[0]
    return sorted(con.execute(sql).fetchall(), key=str)


def contacts_setup(table: str = "Contact_Salesforce") -> list[str]:
    con = [
        f'CREATE TABLE "{table}" (Id TEXT, Customer_Number__c TEXT, Email TEXT, FirstName TEXT, '
        "HasOptedOutOfEmail INT, LastModifiedDate DATE, Segment__c TEXT, Score__c INT)",
        'CREATE TABLE "_Subscribers" (SubscriberKey TEXT, Status TEXT)',
    ]
    con += [f'INSERT INTO "{table}" VALUES {values(r)}' for r in CONTACTS]
    con += [f'INSERT INTO "_Subscribers" VALUES {values(r)}' for r in SUBSCRIBERS]
    return con


def values(row: tuple[Any, ...]) -> str:
    return "(" + ", ".join("NULL" if v is None else repr(v) for v in row) + ")"


def test_query_selects_what_the_rule_means() -> None:
    query = files()["deploy/mc/_ParentBU_/query/build_master.query-meta.sql"].decode()
    rows = run_on_duckdb(query, contacts_setup())
    assert rows == [
        ("C1", "new@x.com", "Alexandrin", 50, "GOLD"),  # most recent; cut to 10; upper
        ("C7", "new7@x.com", "Hal", 10, "SILVER"),
    ]


def test_sandbox_reads_the_suffixed_synchronized_data_extension() -> None:
    query = files(env="dev")["deploy/mc/_ParentBU_/query/build_master.query-meta.sql"].decode()
    assert "FROM [Contact_Salesforce_1] AS [s]" in query
    rows = run_on_duckdb(query, contacts_setup("Contact_Salesforce_1"))
    assert [r[0] for r in rows] == ["C1", "C7"]


def test_environments_differ_only_in_environment_values() -> None:
    base, dev = files(), files(env="dev")
    assert sorted(base) == sorted(dev)
    changed = [p for p in base if base[p] != dev[p]]
    assert changed == [".mcdevrc.json", "deploy/mc/_ParentBU_/query/build_master.query-meta.sql"]
    query = changed[1]
    assert base[query].replace(b"Contact_Salesforce", b"Contact_Salesforce_1") == dev[query]
    # the MIDs of the environment generated, nothing else
    assert doc(base[".mcdevrc.json"])["credentials"] == {
        "mc": {"eid": 100000, "businessUnits": {"_ParentBU_": 100000, "child": 100001}}
    }
    assert doc(dev[".mcdevrc.json"])["credentials"] == {
        "mc": {"eid": 100000010, "businessUnits": {"_ParentBU_": 100000010, "child": 100000011}}
    }
    assert (
        base[".mcdevrc.json"]
        .replace(b"100000,", b"100000010,")
        .replace(b"100000\n", b"100000010\n")
        .replace(b"100001", b"100000011")
        == dev[".mcdevrc.json"]
    )


def test_shared_source_is_read_from_the_parent_and_update_only_touches_existing_rows() -> None:
    out = files()
    audience = out["deploy/mc/child/query/brand_audience.query-meta.sql"].decode()
    assert "FROM ENT.[Customer Master] AS [s]" in audience
    setup = [
        "CREATE SCHEMA ENT",
        'CREATE TABLE ENT."Customer Master" (Key TEXT, Email TEXT, Segment TEXT)',
        "INSERT INTO ENT.\"Customer Master\" VALUES ('C1', 'a@x.com', 'GOLD'), "
        "('C3', 'c@x.com', 'GOLD'), ('C2', 'b@x.com', 'SILVER')",
        # _Subscribers answers only in the parent; the child's own name finds nothing.
        'CREATE TABLE ENT."_Subscribers" (SubscriberKey TEXT, Status TEXT)',
        "INSERT INTO ENT.\"_Subscribers\" VALUES ('C1', 'Active'), ('C3', 'Held')",
        'CREATE TABLE "_Subscribers" (SubscriberKey TEXT, Status TEXT)',
    ]
    assert "FROM ENT.[_Subscribers] AS [c]" in audience
    assert run_on_duckdb(audience, setup) == [("C1", "a@x.com")]
    summarize = out["deploy/mc/_ParentBU_/query/summarize.query-meta.sql"].decode()
    setup = [
        'CREATE TABLE "Customer Master" (Key TEXT, Segment TEXT)',
        "INSERT INTO \"Customer Master\" VALUES ('C1', 'GOLD'), ('C2', 'SILVER')",
        'CREATE TABLE "summary" (Key TEXT)',
        "INSERT INTO \"summary\" VALUES ('C2')",
    ]
    assert run_on_duckdb(summarize, setup) == [("C2", "SILVER", 0, 1)]


# ---------------------------------------------------------------- automations
def test_automation_steps_follow_the_data_flow() -> None:
    out = files()
    nightly = doc(
        out["deploy/mc/_ParentBU_/automation/engage_every_1_days_at_0230.automation-meta.json"]
    )
    # mcdev's retrieved shape (lib/metadataTypes/Automation.js); without startDate mcdev
    # would not deploy the schedule at all.
    assert nightly["schedule"] == {
        "endDate": "2079-06-06T00:00:00",
        "icalRecur": "FREQ=DAILY;INTERVAL=1",
        "startDate": "2026-01-05T02:30:00",
        "timezoneName": "Greenwich Standard Time",
        "typeId": 3,
    }
    assert nightly["status"] == "PausedSchedule" and nightly["type"] == "scheduled"
    steps = [[a["r__key"] for a in s["activities"]] for s in nightly["steps"]]
    assert steps == [["build_master"], ["summarize"]]  # summarize reads what build_master writes
    assert {a["r__type"] for s in nightly["steps"] for a in s["activities"]} == {"query"}


def _nightly_steps(root: Path) -> list[list[tuple[str, str]]]:
    out = files(root)
    nightly = doc(
        out["deploy/mc/_ParentBU_/automation/engage_every_1_days_at_0230.automation-meta.json"]
    )
    queries = {
        q["key"]: q["targetUpdateTypeName"]
        for path, content in out.items()
        if path.endswith(".query-meta.json")
        for q in [doc(content)]
    }
    return [
        [(a["r__key"], queries[a["r__key"]]) for a in step["activities"]]
        for step in nightly["steps"]
    ]


_MASTER_WRITER = """
  {name}:
    integration: nightly
    source: mc.Contact_Salesforce
    target: mc.master
    mode: {mode}
    match: {{source: Customer_Number__c, target: Key}}
    order_by: LastModifiedDate
    respect_consent: [email]
    fields:
      Key: Customer_Number__c
      Email: Email
"""


def test_an_overwrite_is_followed_by_the_other_writers_of_its_target(
    write_eco: WriteEco,
) -> None:
    # build_master overwrites MASTER (upsert would be Update): make it Overwrite, and add
    # an Append writer (a_append: first by key) and a second Overwrite (b_overwrite), both
    # of MASTER. Side by side in one step, an Overwrite deletes the rows the others wrote.
    text = (BASIC / "ecosystem.yaml").read_text("utf-8")
    master = "    target: mc.master\n"
    text = text.replace(master, master + "    mode: overwrite\n", 1)
    extra = _MASTER_WRITER.format(name="a_append", mode="insert") + _MASTER_WRITER.format(
        name="b_overwrite", mode="overwrite"
    )
    text = text.replace("sync_rules:\n", "sync_rules:" + extra.rstrip("\n") + "\n", 1)
    assert _nightly_steps(write_eco({"ecosystem.yaml": text})) == [
        [("b_overwrite", "Overwrite")],  # Overwrites of one target run one after the other
        [("build_master", "Overwrite")],
        [("a_append", "Append")],  # the Append follows the Overwrites instead of racing them
        [("summarize", "Update")],  # summarize reads MASTER: after every writer of it
    ]


def test_two_updates_of_one_target_share_a_step(write_eco: WriteEco) -> None:
    # Without an Overwrite nothing is deleted: writers of one target run side by side.
    text = (BASIC / "ecosystem.yaml").read_text("utf-8")
    extra = _MASTER_WRITER.format(name="a_append", mode="insert")
    text = text.replace("sync_rules:\n", "sync_rules:" + extra.rstrip("\n") + "\n", 1)
    assert _nightly_steps(write_eco({"ecosystem.yaml": text})) == [
        [("a_append", "Append"), ("build_master", "Update")],
        [("summarize", "Update")],
    ]


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        # (icalRecur, startDate's time of day, mcdev typeId)
        ({"every": "15m"}, ("FREQ=MINUTELY;INTERVAL=15", "00:00", 1)),
        ({"every": "5m"}, ("FREQ=MINUTELY;INTERVAL=5", "00:00", 1)),  # the shortest allowed
        ({"every": "4m"}, None),  # mcdev refuses intervals under 5 minutes
        ({"every": "120m"}, ("FREQ=HOURLY;INTERVAL=2", "00:00", 2)),
        ({"every": "2d"}, ("FREQ=DAILY;INTERVAL=2", "00:00", 3)),
        ({"every": "90s"}, None),
        ({"cron": "5 * * * *"}, ("FREQ=HOURLY;INTERVAL=1", "00:05", 2)),
        ({"cron": "0 6 * * 1,5"}, ("FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,FR", "06:00", 4)),
        ({"cron": "0 9 * * mon-fri"}, ("FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR", "09:00", 4)),
        ({"cron": "30 2 * * *"}, ("FREQ=DAILY;INTERVAL=1", "02:30", 3)),
        ({"cron": "15 8,20 * * *"}, None),  # two times of day: Automation Studio has one
        ({"cron": "0 9 * * 7"}, ("FREQ=WEEKLY;INTERVAL=1;BYDAY=SU", "09:00", 4)),
        ({"cron": "*/5 * * * *"}, None),
        ({"cron": "61 * * * *"}, None),
        ({"cron": "0 6 1 * *"}, None),
        ({"realtime": True}, None),
        ({}, None),
    ],
)
def test_schedules_as_automation_studio_recurrences(
    schedule: dict[str, Any], expected: tuple[str, str, int] | None
) -> None:
    found = recurrence(Schedule(**schedule))
    if expected is None:
        assert found is None and ical(Schedule(**schedule)) is None
        return
    assert found is not None
    assert (found.ical, found.start[11:16], TYPE_ID[found.freq]) == expected
    assert found.start.startswith(START_DAY + "T") and found.start.endswith(":00")


# ---------------------------------------------------------------- findings
def basic(write_eco: WriteEco, old: str = "", new: str = "") -> tuple[Path, str]:
    text = (BASIC / "ecosystem.yaml").read_text("utf-8")
    if old:
        assert old in text, old
        text = text.replace(old, new)
    return write_eco({"ecosystem.yaml": text}), text


def emitted(root: Path) -> tuple[list[Emitted], list[Any]]:
    arts, findings = emit(resolved_of(root))
    return list(arts), findings


def test_realtime_queries_are_left_out_of_automations(write_eco: WriteEco) -> None:
    root, text = basic(write_eco, "schedule: {every: 1h}", "schedule: {realtime: true}")
    arts, findings = emitted(root)
    assert [f.code for f in findings] == ["W7804"]
    assert where(findings[0])[2:] == locate(text, "{realtime: true}")
    assert "deploy/mc/child/query/brand_audience.query-meta.sql" in [a.path for a in arts]
    assert not any(a.path.startswith("deploy/mc/child/automation/") for a in arts)


def test_no_usable_consent_storage_refuses_the_query(write_eco: WriteEco) -> None:
    root, _ = basic(write_eco, "mc: {object: _Subscribers", "mc: {object: _MobileSubscribers")
    arts, findings = emitted(root)
    by_rule = {f.address: f.code for f in findings}
    # build_master still suppresses with the synchronized CRM opt-out; brand_audience cannot.
    assert by_rule == {"sync_rule.build_master": "W6802", "sync_rule.brand_audience": "E6801"}
    assert "deploy/mc/child/query/brand_audience.query-meta.sql" not in [a.path for a in arts]


def test_unmapped_primary_key_refuses_the_query(write_eco: WriteEco) -> None:
    root, _ = basic(write_eco, "      Subscriber_Key: Key\n", "")
    arts, findings = emitted(root)
    assert [(f.code, f.address) for f in findings] == [("E7802", "sync_rule.brand_audience")]
    assert not any("brand_audience" in a.path for a in arts)


def test_unshared_source_refuses_the_query(write_eco: WriteEco) -> None:
    root, text = basic(write_eco, "    shared_with: [brand]\n", "")
    _, findings = emitted(root)
    assert [f.code for f in findings] == ["E7803"]
    assert where(findings[0])[2:] == locate(text, "mc.master\n    target: mc.audience")


def test_missing_order_by_warns(write_eco: WriteEco) -> None:
    root, text = basic(write_eco, "    order_by: LastModifiedDate\n", "")
    arts, findings = emitted(root)
    assert [f.code for f in findings] == ["W3801"]
    assert where(findings[0])[2:] == locate(text, "{source: Customer_Number__c")
    sql = {a.path: a.content for a in arts}[
        "deploy/mc/_ParentBU_/query/build_master.query-meta.sql"
    ]
    assert b"ORDER BY [s].[Customer_Number__c] DESC" in sql


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("../../etc/passwd", "may only hold"),
        ("A" * 37, "longer than 36"),
        ("KEY]]>", "may only hold"),
        ("CON", "Windows reserves"),
        (".hidden", "starts with a dot"),
    ],
)
def test_unsafe_external_keys_are_refused(write_eco: WriteEco, key: str, problem: str) -> None:
    root, text = basic(write_eco, "external_key: AUDIENCE", f"external_key: '{key}'")
    arts, findings = emitted(root)
    assert [f.code for f in findings] == ["E7801"]
    assert problem in findings[0].message
    assert where(findings[0])[2] == locate(text, f"external_key: '{key}'")[0]
    assert not any("AUDIENCE" in a.path or key in a.path for a in arts)
    assert not any(a.path.startswith("deploy/mc/child/query/") for a in arts)  # its query too


@pytest.mark.parametrize(
    ("name", "why"), [("_Subscribers", "reserves"), ("'#tmp'", "temporary table")]
)
def test_reserved_data_extension_names_are_refused(
    write_eco: WriteEco, name: str, why: str
) -> None:
    root, _ = basic(write_eco, "name: Brand audience", f"name: {name}")
    _, findings = emitted(root)
    assert [f.code for f in findings] == ["E7801"]
    assert why in findings[0].message


def test_two_queries_with_one_key_in_a_business_unit_are_refused(write_eco: WriteEco) -> None:
    text = (BASIC / "ecosystem.yaml").read_text("utf-8")
    block = text[text.index("  brand_audience:\n") : text.index("consent:\n")]
    root = write_eco({"ecosystem.yaml": text.replace(block, block + block.replace(
        "  brand_audience:", "  Brand_Audience:"))})  # fmt: skip
    arts, findings = emitted(root)
    assert [(f.code, f.address) for f in findings] == [("E7801", "sync_rule.brand_audience")]
    assert "also the key of the query of 'Brand_Audience'" in findings[0].message
    assert [a.path for a in arts if "/query/" in a.path and "child" in a.path] == [
        "deploy/mc/child/query/Brand_Audience.query-meta.json",
        "deploy/mc/child/query/Brand_Audience.query-meta.sql",
    ]


def test_overwrite_mode_replaces_the_target_rows(tmp_path: Path) -> None:
    """mode: overwrite is the Overwrite data action: the query selects the same rows as an
    upsert, and Marketing Cloud replaces the target's rows with them on every run."""
    root = tmp_path / "eco"
    root.mkdir()
    for src in BASIC.iterdir():
        text = src.read_text(encoding="utf-8")
        if src.name == "ecosystem.yaml":
            marker = "    target: mc.master\n"
            assert marker in text
            text = text.replace(marker, marker + "    mode: overwrite\n", 1)
        (root / src.name).write_text(text, encoding="utf-8")
    upsert, overwrite = files(), files(root)
    path = "deploy/mc/_ParentBU_/query/build_master.query-meta"
    assert doc(upsert[path + ".json"])["targetUpdateTypeName"] == "Update"
    assert doc(overwrite[path + ".json"])["targetUpdateTypeName"] == "Overwrite"
    assert overwrite[path + ".sql"] == upsert[path + ".sql"]


# ---------------------------------------------------------------- the mcdev project
@pytest.mark.parametrize(
    ("path", "refused"),
    [
        (".mcdevrc.json", False),  # mcdev's project file, at the target's root
        (".mcdevrc.json/x.json", True),  # only as the file itself
        (".mcdevrc", True),
        (".mcdev-auth.json", True),  # the credentials file is never generated
        ("deploy/mc/.hidden.json", True),
    ],
)
def test_only_the_tools_own_dot_files_pass_the_path_check(path: str, refused: bool) -> None:
    assert (relpath_problem(path) is not None) is refused


def test_business_units_without_a_mid_are_listed_with_0_and_warned(write_eco: WriteEco) -> None:
    text = (BASIC / "ecosystem.yaml").read_text("utf-8").replace(", mid: 100000}", "}")
    comp = compile_eco(write_eco({"ecosystem.yaml": text}))
    assert comp.ok and comp.resolved is not None
    arts, findings = emit(comp.resolved)
    rc = doc({a.path: a.content for a in arts}[".mcdevrc.json"])
    assert rc["credentials"]["mc"] == {
        "eid": 0,
        "businessUnits": {"_ParentBU_": 0, "child": 100001},
    }
    assert [(f.code, f.span.line if f.span else None) for f in findings] == [("W7805", 20)]
    assert "has no MID" in findings[0].message
    assert "client_secret" not in json.dumps(rc) and rc["version"] == "8.0.0"


def test_a_data_extension_from_a_template_names_it_as_mcdev_does(write_eco: WriteEco) -> None:
    comp = compile_eco(write_eco({"ecosystem.yaml": (BASIC / "ecosystem.yaml").read_text()}))
    assert comp.resolved is not None
    name = next(iter(sorted(comp.resolved.ecosystem.data_extensions)))
    de = comp.resolved.ecosystem.data_extensions[name]
    infos, _ = data_extensions(comp.resolved)
    plain = document(infos[name], de)
    templated = document(
        infos[name], de.model_copy(update={"template": "TriggeredSendDataExtension"})
    )
    assert "r__dataExtensionTemplate_name" not in plain
    assert list(templated)[-1] == "r__dataExtensionTemplate_name"  # after the folder, as retrieved
    assert templated["r__dataExtensionTemplate_name"] == "TriggeredSendDataExtension"
    assert {k: v for k, v in templated.items() if k != "r__dataExtensionTemplate_name"} == plain


def test_realtime_wins_over_a_schedule_beside_it() -> None:
    # `realtime: true` beside `every:` is a realtime integration: Automation Studio cannot
    # run it, so it stays out of every automation (W7804) rather than running hourly.
    assert recurrence(Schedule(realtime=True, every="1h")) is None
    assert recurrence(Schedule(every="1h")) is not None


@pytest.mark.parametrize(
    ("recur", "name"),
    [
        (Recurrence("WEEKLY", 1, 6, 0, (1, 5)), "every_1_weeks_mo_fr_at_0600"),
        (Recurrence("DAILY", 1), "every_1_days"),
        (Recurrence("DAILY", 2, 2, 30), "every_2_days_at_0230"),
        (Recurrence("HOURLY", 1, 0, 5), "every_1_hours_at_minute_05"),
        (Recurrence("MINUTELY", 15), "every_15_minutes"),
    ],
)
def test_automation_names_say_the_recurrence(recur: Recurrence, name: str) -> None:
    # two weekly schedules on different days must not share one automation file
    assert slug(recur) == name
