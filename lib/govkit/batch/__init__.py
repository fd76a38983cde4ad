"""The termly batch: which reports to build, the executors that run them, the manifest,
the progress display and the index page."""
