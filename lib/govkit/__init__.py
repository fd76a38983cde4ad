"""govkit: governance reports from a school trust's termly data.

The package is laid out by the data flow; imports run one way, down this list of layers
(a module may import from its own layer or any layer above it in this list, never below):

1. foundation: ``govkit.errors``, ``govkit.terms``, ``govkit.paths``, ``govkit.text``,
   ``govkit.files``
2. config: ``govkit.plan.config`` (trust.yaml and plan.yaml; everything reads them)
3. data: ``govkit.data`` (contract, readers, validate, importers, demo, store)
4. plan: ``govkit.plan`` (measures, national, rating, evaluate, triggers, suppression,
   narrative, commentary)
5. reports: ``govkit.reports`` (report modules, HTML blocks, charts, export)
6. batch: ``govkit.batch`` (matrix, runner, kernels, manifest, progress, index page)
7. cli: ``govkit.cli``
"""

__version__ = "0.1.0"

LAYERS = (
    ("foundation", ("govkit.errors", "govkit.terms", "govkit.paths", "govkit.text",
                    "govkit.files")),
    ("config", ("govkit.plan.config",)),
    ("data", ("govkit.data",)),
    ("plan", ("govkit.plan",)),
    ("reports", ("govkit.reports",)),
    ("batch", ("govkit.batch",)),
    ("cli", ("govkit.cli",)),
)
