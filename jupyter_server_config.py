"""JupyterLab for this project (`make lab` passes this file with --config).

A leader's own copies of the reports live in notebooks/mine/ (`make lab` makes them); a save
over a shipped notebook in notebooks/ is refused with one line saying so (developers: set
GOVKIT_EDIT_SHIPPED=1, and the save is tidied). Opening a notebook does not mark it
modified. See govkit.reports.notebook_tidy.
"""

c = get_config()  # noqa: F821 - provided by Jupyter when it reads this file
c.FileContentsManager.pre_save_hook = "govkit.reports.notebook_tidy.pre_save_hook"
c.ServerApp.contents_manager_class = "govkit.reports.lab_contents.LabContentsManager"
