"""Platform limits the rules enforce, with the published figure each default comes from.

Where sources disagree or an org has a raised limit, override a value on the command line:
`engage check --limit mcc_fields_max=300`. Every value is an int.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Limits:
    # Marketing Cloud: data extension external key (CustomerKey) length.
    de_external_key_max: int = 36
    # Marketing Cloud Connect: fields per synchronized object, recommended and maximum.
    mcc_fields_recommended: int = 20
    mcc_fields_max: int = 250
    # Account Engagement: Salesforce connectors per business unit.
    ae_connectors_per_business_unit: int = 1
    # Account Engagement: marketing data sharing rules per object per business unit.
    ae_sharing_rules_per_object: int = 1
    # Marketing Cloud Connect: business units one connector user serves. Not a published
    # figure: Salesforce Help on multi-org and on assigning business units to the Marketing
    # Cloud Connect API user names none. 10 is engage's planning default; set the figure
    # of your account with --limit mcc_business_units_per_user=N.
    mcc_business_units_per_user: int = 10

    def with_overrides(self, pairs: dict[str, int]) -> Limits:
        known = {f.name for f in fields(self)}
        unknown = sorted(set(pairs) - known)
        if unknown:
            raise ValueError(
                f"unknown limit {unknown[0]!r}; known limits: {', '.join(sorted(known))}"
            )
        return replace(self, **pairs)

    @staticmethod
    def names() -> list[str]:
        return sorted(f.name for f in fields(Limits))
