"""A business unit's own data-model decisions (seed 000, consideration 5).

`ecosystem.data_model.uses_leads` is the company's decision; a company with a B2B brand
working leads and B2C brands on person accounts says "no leads" for the B2C units here.
A unit can only narrow the company's decision: a unit that says it uses leads in a company
that uses none is reported (W8202), and the company's decision holds.
"""

from pydantic import Field

from compiler.model.base import Model


class UnitDataModel(Model):
    uses_leads: bool | None = Field(
        default=None,
        description="False when this unit uses no leads (contacts or person accounts only); "
        "left out: the company's `ecosystem.data_model.uses_leads`.",
    )
