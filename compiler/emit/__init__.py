"""Emit stage: a ResolvedEcosystem → the files the platforms' own tools deploy.

Each target (`salesforce`, `account_engagement`, `marketing_cloud`, `sync`) is a package or
module here with an emitter that only computes bytes. The machinery around them, one job
per module:

- `artifact`: what an emitter returns (`Emitted`: a file, its source resources, the
  platform components it defines);
- `targets`: the emitters and finishers, in generation order;
- `selection`: one run: each target's artifacts checked, selected by addresses, finished;
- `deletions`: deleted resources → the components to delete, from the manifest;
- `manifest`: `<out>/.engage-manifest.json`, what earlier runs wrote;
- `output`: writing into the output folder, checked first, atomic per file;
- `generate`: `prepare` (compute, refuse before anything changes), `write_prepared` and
  `generate` (the one place that writes).
"""
