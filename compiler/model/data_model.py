"""Objects and fields per system (the CRM, Account Engagement, external systems)."""

from typing import Literal

from pydantic import Field

from compiler.model.base import ApiName, ApiNameRef, Model, NameRef, PersonalData, Resource, Text

FieldType = Literal[
    "id",
    "text",
    "textarea",
    "long_text",
    "email",
    "phone",
    "url",
    "picklist",
    "multipicklist",
    "checkbox",
    "number",
    "currency",
    "percent",
    "date",
    "datetime",
    "lookup",
    "geolocation",
]


Format = Literal["email", "phone_e164", "iso_country", "postal_code", "url"]


class FieldDef(Model):
    type: FieldType
    label: Text = ""
    length: int | None = Field(default=None, ge=1, le=131072)
    precision: int | None = Field(default=None, ge=1, le=18)
    scale: int | None = Field(default=None, ge=0, le=17)
    values: list[Text] = Field(default_factory=list, description="Picklist values.")
    restricted: bool = Field(
        default=False, description="A restricted picklist refuses other values."
    )
    required: bool = False
    unique: bool = False
    external_id: bool = False
    references: ApiNameRef | None = Field(default=None, description="Target object of a lookup.")
    personal_data: PersonalData = "none"
    system_of_record: NameRef | None = Field(
        default=None, description="The system whose value wins when several write this field."
    )
    format: Format | None = Field(
        default=None, description="A data-quality format every cloud must enforce alike."
    )
    description: Text = ""


class ObjectDef(Resource):
    """An object of a system. For Salesforce standard objects, fields add to the catalog's."""

    label: Text = ""
    fields: dict[ApiName, FieldDef] = Field(default_factory=dict)
    record_types: list[ApiNameRef] = Field(default_factory=list)
    personal_data: PersonalData | None = None
