"""Each campaign's own member statuses: `scripts/apex/CampaignMemberStatuses.apex`.

Which labels a campaign uses, which is its default and which count as responded are
CampaignMemberStatus records of that campaign (CampaignId, Label, IsDefault, HasResponded,
SortOrder; Object Reference, 'CampaignMemberStatus'), data, not metadata: no deploy writes
them. Salesforce creates Sent (the default) and Responded with every new campaign, so
importing the declared statuses as new records (`sf data import tree`) would duplicate the
two a campaign declares itself. Real projects write them from Apex instead: query the
campaign's existing statuses, insert the missing labels, and make the new default default
before touching the old one (the Auctions for Salesforce trigger `AUC_Auction_CreateCampaigns`
inserts `IsDefault = true` on a new status, then deletes the auto-created records; public
triggers on Campaign check `CampaignId + Label` against the existing statuses before
inserting).

engage writes one anonymous Apex script per org, run once the campaigns exist with
`sf apex run --file scripts/apex/CampaignMemberStatuses.apex --target-org ALIAS`. For each
campaign that declares `member_statuses` (found by its Name, the campaign's `label` or
else its resource name) it matches the declared statuses to the existing ones by
(CampaignId, Label): existing ones are updated, missing ones inserted, none is deleted
(a status members use cannot be deleted, and one the campaign no longer declares is left
after the declared ones). The default is written first, then the inserts, then the
updates, so that at every step the campaign keeps one default and one responded status
(since API 39.0 both are required). Declared statuses get SortOrder values above every
existing one of the campaign (SortOrder is unique per campaign), in the declared order.
A campaign missing from the org, or a Name held by two campaigns, stops the script before
any change: anonymous Apex runs in one transaction, and a failed assertion rolls it back.
Two declared campaigns of one org with one Name are reported at check time (E7622,
compiler/rules/campaign_names.py).

Labels and names are written as Apex string literals, escaped (`apex_string`), so a
crafted label stays one literal; the tests parse the script with the Apex grammar.
"""

from __future__ import annotations

from compiler.diagnostics import Finding
from compiler.emit.artifact import Emitted
from compiler.emit.salesforce.common import project_prefix, salesforce_systems
from compiler.model.campaigns import Campaign
from compiler.resolved import ResolvedEcosystem

SCRIPT = "scripts/apex/CampaignMemberStatuses.apex"
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}

_BODY = """\
Map<String, Id> campaignIds = new Map<String, Id>();
for (Campaign c : [SELECT Id, Name FROM Campaign WHERE Name IN :declared.keySet()]) {
    System.assert(!campaignIds.containsKey(c.Name), 'engage: two campaigns are named ' + c.Name);
    campaignIds.put(c.Name, c.Id);
}
List<String> missing = new List<String>();
for (String name : declared.keySet()) {
    if (!campaignIds.containsKey(name)) {
        missing.add(name);
    }
}
System.assert(missing.isEmpty(), 'engage: campaigns not found: ' + String.join(missing, ', '));
Map<String, CampaignMemberStatus> existing = new Map<String, CampaignMemberStatus>();
Map<Id, Integer> highest = new Map<Id, Integer>();
for (CampaignMemberStatus s : [
    SELECT Id, CampaignId, Label, SortOrder FROM CampaignMemberStatus
    WHERE CampaignId IN :campaignIds.values()
]) {
    existing.put(s.CampaignId + '/' + s.Label, s);
    Integer order = s.SortOrder == null ? 0 : s.SortOrder;
    if (!highest.containsKey(s.CampaignId) || highest.get(s.CampaignId) < order) {
        highest.put(s.CampaignId, order);
    }
}
List<CampaignMemberStatus> defaults = new List<CampaignMemberStatus>();
List<CampaignMemberStatus> inserts = new List<CampaignMemberStatus>();
List<CampaignMemberStatus> updates = new List<CampaignMemberStatus>();
for (String name : declared.keySet()) {
    Id campaignId = campaignIds.get(name);
    Integer order = highest.containsKey(campaignId) ? highest.get(campaignId) : 0;
    for (CampaignMemberStatus wanted : declared.get(name)) {
        order++;
        CampaignMemberStatus have = existing.get(campaignId + '/' + wanted.Label);
        CampaignMemberStatus row = have == null
            ? new CampaignMemberStatus(CampaignId = campaignId, Label = wanted.Label)
            : new CampaignMemberStatus(Id = have.Id);
        row.IsDefault = wanted.IsDefault;
        row.HasResponded = wanted.HasResponded;
        row.SortOrder = order;
        if (wanted.IsDefault) {
            defaults.add(row);
        } else if (have == null) {
            inserts.add(row);
        } else {
            updates.add(row);
        }
    }
}
upsert defaults;
insert inserts;
update updates;
System.debug('engage: ' + defaults.size() + ' defaults, ' + inserts.size() + ' inserted, '
    + updates.size() + ' updated');
"""


def apex_string(text: str) -> str:
    """`text` as an Apex string literal: quote, backslash and line breaks escaped, every
    other control character (and U+2028/U+2029) as a \\uXXXX escape."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F or char in "\u2028\u2029":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "'" + "".join(out) + "'"


def _status(label: str, default: bool, responded: bool) -> str:
    return (
        f"        new CampaignMemberStatus(Label = {apex_string(label)}, "
        f"IsDefault = {str(default).lower()}, HasResponded = {str(responded).lower()})"
    )


def _declaration(camp: Campaign, name: str) -> str:
    rows = ",\n".join(_status(s.label, s.default, s.responded) for s in camp.member_statuses)
    return (
        f"declared.put({apex_string(camp.label or name)}, new List<CampaignMemberStatus>{{\n"
        f"{rows}\n}});\n"
    )


def script(resolved: ResolvedEcosystem, system: str) -> str | None:
    """The script for `system`'s campaigns that declare statuses, or None when none does."""
    campaigns = resolved.ecosystem.campaigns
    names = [
        n
        for n in sorted(campaigns)
        if campaigns[n].system == system and campaigns[n].member_statuses
    ]
    if not names:
        return None
    head = (
        "// Generated by engage: each campaign's member statuses (CampaignMemberStatus).\n"
        f"// Run once the campaigns exist: sf apex run --file {SCRIPT} --target-org ALIAS\n"
        "// Matched by (CampaignId, Label): existing statuses updated, missing ones inserted,\n"
        "// none deleted; one transaction, rolled back if a campaign is missing.\n"
        "Map<String, List<CampaignMemberStatus>> declared =\n"
        "    new Map<String, List<CampaignMemberStatus>>();\n"
    )
    return head + "".join(_declaration(campaigns[n], n) for n in names) + _BODY


def emit(resolved: ResolvedEcosystem) -> tuple[list[Emitted], list[Finding]]:
    out: list[Emitted] = []
    campaigns = resolved.ecosystem.campaigns
    for system in salesforce_systems(resolved):
        text = script(resolved, system)
        if text is None:
            continue
        owners = tuple(
            f"campaign.{n}"
            for n in sorted(campaigns)
            if campaigns[n].system == system and campaigns[n].member_statuses
        )
        path = f"{project_prefix(resolved, system)}{SCRIPT}"
        out.append(Emitted(path, text.encode(), owners))
    return out, []
