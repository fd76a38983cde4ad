"""govkit: governance reports from a school trust's termly data.

The package is laid out by the data flow; imports run one way, down this list of layers
(a module may import from its own layer or any layer above it in this list, never below):

1. foundation: ``govkit.errors``, ``govkit.terms``, ``govkit.paths``, ``govkit.text``,
   ``govkit.files``, ``govkit.config`` (trust.yaml and plan.yaml: everything reads them;
   ``govkit.plan.config`` re-exports its names)
2. data: ``govkit.data`` (contract, readers, validate, importers, demo, store)
3. plan: ``govkit.plan`` (measures, national, rating, evaluate, triggers, suppression,
   narrative, commentary)
4. reports: ``govkit.reports`` (report modules, HTML blocks, charts, export)
5. batch: ``govkit.batch`` (matrix, runner, kernels, manifest, progress, index page)
6. cli: ``govkit.cli``
"""

__version__ = "0.1.0"

LAYERS = (
    ("foundation", ("govkit.errors", "govkit.terms", "govkit.paths", "govkit.text",
                    "govkit.files", "govkit.config")),
    ("data", ("govkit.data",)),
    ("plan", ("govkit.plan",)),
    ("reports", ("govkit.reports",)),
    ("batch", ("govkit.batch",)),
    ("cli", ("govkit.cli",)),
)
