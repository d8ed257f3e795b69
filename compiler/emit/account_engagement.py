"""The Account Engagement connector settings sheet: `account_engagement/connector-settings.md`.

The connector is configured by hand in Account Engagement's admin screens, so engage
writes what to set there, per Account Engagement business unit: the connector settings
(creates leads, opt-out sync, marketing data sharing rules) and each synced field's sync
behaviour, derived from the declared precedence or system of record:

  * the CRM's value wins            → "Use Salesforce value"
  * Account Engagement's value wins → "Use Account Engagement value"
  * most_recent                     → "Use most recently updated value", which the connector
    offers only for the opt-out field (and which needs field history on the CRM field).

Free text from the YAML is escaped for markdown and HTML; identifiers are shown as code.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from compiler.diagnostics import CodeInfo, Finding, code, make
from compiler.emit.artifact import Emitted
from compiler.model.integrations import Integration
from compiler.model.sync import FieldMapping, SyncRule
from compiler.resolved import ResolvedEcosystem

PATH = "connector-settings.md"
SALESFORCE = "Use Salesforce value"
ACCOUNT_ENGAGEMENT = "Use Account Engagement value"
MOST_RECENT = "Use most recently updated value"
UNDECIDED = "Not decided"

W_MOST_RECENT = code(
    "W3610",
    "Sync behaviour the connector does not offer",
    "The Account Engagement connector offers 'use most recently updated value' only for the "
    "opt-out field; on any other field it uses the Salesforce or the Account Engagement "
    "value, so `most_recent` cannot be configured.",
    "Declare which system wins (source_wins / target_wins, or the field's system_of_record).",
)
W_HISTORY = code(
    "W3611",
    "Most-recent opt-out sync without field history",
    "'Use most recently updated value' on the opt-out field compares change dates from the "
    "CRM field's history; without history tracking the connector cannot apply it.",
    "Add the field to `field_history` of the Salesforce system.",
)
W_UNDECIDED = code(
    "W3612",
    "Connector field sync behaviour not decided",
    "A two-way synced field has no precedence and no system of record, so nothing says "
    "whether the connector should keep the Salesforce or the Account Engagement value.",
    "Set `precedence` on the mapping (or the rule), or `system_of_record` on the field.",
)
W_CONFLICT = code(
    "W3613",
    "Conflicting sync behaviours for one prospect field",
    "The connector has one sync behaviour per prospect field, but the sync rules of this "
    "connector imply different ones (e.g. for its lead and its contact mapping).",
    "Make the rules agree on which system wins for this field.",
)


def md(text: object) -> str:
    """Free text for a markdown table cell: HTML and markdown punctuation escaped."""
    out = str(text).replace("\r", " ").replace("\n", " ")
    out = out.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]|#])", r"\\\1", out)


def ident(text: str) -> str:
    """An identifier as inline code (identifiers never hold backticks; belt and braces)."""
    return f"`{text.replace('`', '')}`"


@dataclass(frozen=True)
class Row:
    prospect_field: str
    crm_field: str  # Object.Field
    behaviour: str
    why: str
    rule: str
    key: str  # the rule's `fields` key of this mapping

    @property
    def path(self) -> tuple[str, ...]:
        return ("sync_rules", self.rule, "fields", self.key)


class _Sheet:
    def __init__(self, resolved: ResolvedEcosystem) -> None:
        self.resolved = resolved
        self.eco = resolved.ecosystem
        self.findings: list[Finding] = []
        self.sources: set[str] = set()

    def flag(self, info: CodeInfo, message: str, path: tuple[str | int, ...], address: str) -> None:
        self.findings.append(make(info, message, self.resolved.span(path), address=address))

    # ------------------------------------------------------------------ behaviour
    def opt_out_field(self, ae_system: str) -> str:
        email = self.eco.consent.channels.get("email")
        storage = email.storage.get(ae_system) if email else None
        if storage is not None and storage.polarity == "opt_out":
            return storage.field
        return "OptedOut"

    def behaviour(
        self, name: str, rule: SyncRule, target: str, mapping: str | FieldMapping, ae: str
    ) -> Row | None:
        source = mapping if isinstance(mapping, str) else mapping.from_
        if source is None:
            return None
        ae_is_source = rule.source.partition(".")[0] == ae
        prospect, crm_field = (source, target) if ae_is_source else (target, source)
        crm_key = rule.target if ae_is_source else rule.source
        crm_obj = crm_key.partition(".")[2]
        precedence = (mapping.precedence if isinstance(mapping, FieldMapping) else None) or (
            rule.precedence
        )
        behaviour, why = self._decide(
            rule, precedence, ae_is_source, crm_key, crm_field, prospect, ae
        )
        return Row(prospect, f"{crm_obj}.{crm_field}", behaviour, why, name, target)

    def _decide(
        self,
        rule: SyncRule,
        precedence: str | None,
        ae_is_source: bool,
        crm_key: str,
        crm_field: str,
        prospect: str,
        ae: str,
    ) -> tuple[str, str]:
        if precedence == "most_recent":
            return MOST_RECENT, "precedence `most_recent`"
        if precedence in ("source_wins", "target_wins"):
            ae_wins = ae_is_source == (precedence == "source_wins")
            return (ACCOUNT_ENGAGEMENT if ae_wins else SALESFORCE), f"precedence `{precedence}`"
        crm = self.resolved.object(crm_key)
        spec = crm.fields.get(crm_field) if crm else None
        sor = spec.system_of_record if spec else None
        if sor is not None:
            return (ACCOUNT_ENGAGEMENT if sor == ae else SALESFORCE), f"system of record `{sor}`"
        if rule.direction == "one_way":
            return (ACCOUNT_ENGAGEMENT if ae_is_source else SALESFORCE), "one-way flow"
        return UNDECIDED, "two-way, no precedence or system of record"

    # ------------------------------------------------------------------ checks
    def check(self, row: Row, ae: str, crm_system: str) -> str:
        """The row's behaviour cell, flagging what the connector cannot do."""
        path = row.path
        address = f"sync_rule.{row.rule}"
        if row.behaviour == UNDECIDED:
            self.flag(
                W_UNDECIDED, f"{row.prospect_field} ↔ {row.crm_field}: {row.why}", path, address
            )
            return f"⚠ {UNDECIDED}"
        if row.behaviour != MOST_RECENT:
            return row.behaviour
        if row.prospect_field != self.opt_out_field(ae):
            self.flag(
                W_MOST_RECENT,
                f"{row.prospect_field}: the connector offers '{MOST_RECENT}' only for the opt-out "
                f"field ({self.opt_out_field(ae)})",
                path,
                address,
            )
            return f"⚠ {MOST_RECENT} (not offered for this field)"
        obj, _, fld = row.crm_field.partition(".")
        history = getattr(self.eco.systems.get(crm_system), "field_history", {})
        if fld not in history.get(obj, []):
            self.flag(
                W_HISTORY,
                f"{row.crm_field} has no field history in {crm_system!r}; '{MOST_RECENT}' needs it",
                path,
                address,
            )
            return f"⚠ {MOST_RECENT} (needs field history on {row.crm_field})"
        return MOST_RECENT

    def conflicts(self, rows: list[Row]) -> None:
        by_field: dict[str, set[str]] = defaultdict(set)
        for row in rows:
            by_field[row.prospect_field].add(row.behaviour)
        for field_name, behaviours in sorted(by_field.items()):
            if len(behaviours) > 1:
                first = next(r for r in rows if r.prospect_field == field_name)
                self.flag(
                    W_CONFLICT,
                    f"prospect field {field_name}: the rules imply {', '.join(sorted(behaviours))}",
                    first.path,
                    f"sync_rule.{first.rule}",
                )

    # ------------------------------------------------------------------ rendering
    def connector(self, name: str, integ: Integration, ae: str) -> list[str]:
        settings = integ.account_engagement
        assert settings is not None
        crm_system = integ.to if integ.from_ == ae else integ.from_
        self.sources.update({f"integration.{name}", f"system.{crm_system}"})
        lines = [f"### Connector {ident(name)}", "", "| Setting | Value |", "|---|---|"]
        lines.append(f"| Salesforce org | {ident(crm_system)} |")
        lines.append(f"| Connector user | {self.user_cell(integ.user)} |")
        leads = "Yes" if settings.creates_leads else "No"
        if settings.creates_leads and not self.eco.ecosystem.data_model.uses_leads:
            leads += " ⚠ the data model uses no leads"
        lines.append(f"| Automatically create prospects in Salesforce as leads | {leads} |")
        lines.append(f"| Sync the opt-out field | {'Yes' if settings.sync_opt_out else 'No'} |")
        lines += ["", "Marketing data sharing rules:", ""]
        if settings.sharing_rules:
            lines += ["| Object | Field | Equals |", "|---|---|---|"]
            for rule in settings.sharing_rules:
                lines.append(f"| {ident(rule.object)} | {ident(rule.field)} | {md(rule.value)} |")
        else:
            lines.append("None: every lead and contact of the org syncs to this business unit.")
        lines += ["", *self.fields(name, ae, crm_system)]
        return lines

    def user_cell(self, user_name: str | None) -> str:
        if user_name is None:
            return "⚠ none declared"
        self.sources.add(f"integration_user.{user_name}")
        user = self.eco.integration_users.get(user_name)
        username = user.username if user else ""
        return f"{ident(user_name)} ({md(username)})" if username else ident(user_name)

    def fields(self, connector: str, ae: str, crm_system: str) -> list[str]:
        rows: list[Row] = []
        for name, rule in sorted(self.eco.sync_rules.items()):
            if rule.integration != connector:
                continue
            self.sources.add(f"sync_rule.{name}")
            for target, mapping in sorted(rule.fields.items()):
                row = self.behaviour(name, rule, target, mapping, ae)
                if row is not None:
                    rows.append(row)
        self.conflicts(rows)
        lines = ["Field sync behaviour:", ""]
        if not rows:
            return [*lines, "No sync rule of this connector maps a field.", ""]
        lines += [
            "| Prospect field | Salesforce field | Sync behaviour | Why |",
            "|---|---|---|---|",
        ]
        for row in sorted(rows, key=lambda r: (r.prospect_field, r.crm_field, r.rule)):
            cell = self.check(row, ae, crm_system)
            why = f"{row.why} (sync rule {ident(row.rule)})"  # built from checked names
            lines.append(
                f"| {ident(row.prospect_field)} | {ident(row.crm_field)} | {cell} | {why} |"
            )
        return [*lines, ""]

    def business_unit(self, ae: str, unit: str, bu_id: str | None) -> list[str]:
        self.sources.add(f"system.{ae}")
        served = sorted(
            name
            for name, bu in self.eco.business_units.items()
            if bu.account_engagement
            and (bu.account_engagement.system, bu.account_engagement.business_unit) == (ae, unit)
        )
        self.sources.update(f"business_unit.{b}" for b in served)
        lines = [f"## {ident(ae)} / {ident(unit)}", ""]
        where = f"systems.{ae}.business_units.{unit}.id"
        lines.append(
            f"- Business unit id: {ident(bu_id) if bu_id else f'not declared (set {where})'}"
        )
        lines.append(
            f"- Serves: {', '.join(ident(b) for b in served) or 'no engage business unit'}"
        )
        lines.append("")
        connectors = [
            (name, integ)
            for name, integ in sorted(self.eco.integrations.items())
            if integ.account_engagement is not None
            and integ.account_engagement.business_unit in served
        ]
        if not connectors:
            return [*lines, "No connector is declared for this business unit.", ""]
        for name, integ in connectors:
            lines += self.connector(name, integ, ae)
        return lines


def _header(resolved: ResolvedEcosystem) -> list[str]:
    env = resolved.environment
    where = f"environment {ident(env)}" if env else "the base configuration (no environment)"
    return [
        "# Account Engagement connector settings",
        "",
        f"Generated by engage from ecosystem {md(resolved.ecosystem.ecosystem.name)}, {where}.",
        "Set these by hand in Account Engagement (Settings > Connectors > Salesforce); do not",
        "edit this file: change the YAML and run `engage generate`.",
        "",
    ]


def emit(resolved: ResolvedEcosystem) -> tuple[list[Emitted], list[Finding]]:
    sheet = _Sheet(resolved)
    lines = _header(resolved)
    systems = sorted(
        (name, s)
        for name, s in resolved.ecosystem.systems.items()
        if s.type == "account_engagement"
    )
    if not systems:
        return [], []
    for name, system in systems:
        units = getattr(system, "business_units", {})
        if not units:
            lines += [f"## {ident(name)}", "", "No business unit is declared.", ""]
        for unit, spec in sorted(units.items()):
            lines += sheet.business_unit(name, unit, spec.id)
        sheet.sources.add(f"system.{name}")
    if "email" in resolved.ecosystem.consent.channels:
        sheet.sources.add("consent.email")
    text = "\n".join(lines).rstrip("\n") + "\n"
    artifact = Emitted(PATH, text.encode("utf-8"), tuple(sorted(sheet.sources)))
    return [artifact], sheet.findings
