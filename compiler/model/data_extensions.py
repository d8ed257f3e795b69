"""Marketing Cloud data extensions."""

from typing import Literal

from pydantic import Field

from compiler.model.base import (
    FieldName,
    FieldNameRef,
    Model,
    NameRef,
    PersonalData,
    Resource,
    Text,
)
from compiler.model.data_model import Format

DeFieldType = Literal[
    "Text", "Number", "Date", "Boolean", "EmailAddress", "Phone", "Decimal", "Locale"
]


class DeField(Model):
    type: DeFieldType
    length: int | None = Field(default=None, ge=1, le=4000)
    precision: int | None = Field(default=None, ge=1, le=38)
    scale: int | None = Field(default=None, ge=0, le=38)
    primary_key: bool = False
    required: bool = False
    default: str | int | float | bool | None = None
    personal_data: PersonalData = "none"
    format: Format | None = Field(
        default=None, description="A data-quality format every cloud must enforce alike."
    )
    description: Text = ""


class Sendable(Model):
    field: FieldNameRef = Field(description="The field related to the subscriber key.")
    relates_to: Literal["subscriber_key"] = "subscriber_key"


class Retention(Model):
    period: int = Field(ge=1, le=100000)
    unit: Literal["days", "weeks", "months", "years"] = "days"
    delete: Literal["rows", "all"] = Field(
        default="rows", description="Delete individual rows, or all rows and the data extension."
    )


class DataExtension(Resource):
    business_unit: NameRef
    name: Text = Field(default="", description="Display name; defaults to the resource name.")
    external_key: Text = Field(default="", description="Customer key (36 characters at most).")
    folder: Text = ""
    fields: dict[FieldName, DeField]
    sendable: Sendable | None = None
    shared_with: list[NameRef] | Literal["*"] = Field(
        default_factory=list, description="Business units this data extension is shared with."
    )
    retention: Retention | None = None
    testable: bool = False
    template: Literal["TriggeredSendDataExtension"] | None = Field(
        default=None,
        description="Create the data extension from this Marketing Cloud template; it must "
        "declare the template's fields (SubscriberKey, EmailAddress).",
    )
