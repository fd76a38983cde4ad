"""JupyterLab for this project (`make lab` passes this file with --config).

What Lab saves under notebooks/ is tidied first (no outputs, counts or Lab metadata), so a
leader's save never breaks the tests: see govkit.reports.notebook_tidy.
"""

c = get_config()  # noqa: F821 - provided by Jupyter when it reads this file
c.FileContentsManager.pre_save_hook = "govkit.reports.notebook_tidy.pre_save_hook"
