"""The generation targets: each one's emitter and, for Salesforce, its finisher.

An emitter, `emit(resolved) -> (artifacts, findings)`, only computes bytes; a finisher runs
after the selection by addresses and builds the files that describe the selection itself
(Salesforce `package.xml`, `destructiveChanges.xml` and `sfdx-project.json`). Targets are
generated in this order, each into `<out>/<target>/`.
"""

from __future__ import annotations

from compiler.emit import account_engagement, marketing_cloud, salesforce, sync
from compiler.emit.artifact import EmitFn, FinishFn

EMITTERS: list[tuple[str, EmitFn]] = [
    ("salesforce", salesforce.emit),
    ("account_engagement", account_engagement.emit),
    ("marketing_cloud", marketing_cloud.emit),
    ("sync", sync.emit),
]
FINISHERS: dict[str, FinishFn] = {"salesforce": salesforce.finish}
