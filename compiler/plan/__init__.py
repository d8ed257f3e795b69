"""Plan and state: desired resources vs. recorded state → an ordered, reviewable Plan.

Modules, in the order data flows through them:

  resources   the resolved ecosystem → one attribute dict per address (redacted)
  state       the recorded state (model) and its local-file backend; lock: who holds it
  moves       `moved:` entries → renames instead of delete + create
  diff        attribute-level before/after, lists matched by name
  de_rules    what a data extension change costs (in place, or replace and lose rows)
  replace     which attribute changes force a replacement, per kind
  risk        the risk categories a reviewer reads first
  order       dependency order for creates/updates, reverse for deletes
  builder     all of the above → a `Plan` (definition) with its required approvals
  approvals   governance policies → requirements; approval records bound to a digest
  planfile    saving and loading plans (digest, tamper check)
  make        compile, read the state, build, refuse what apply would: `engage plan`'s logic
"""
