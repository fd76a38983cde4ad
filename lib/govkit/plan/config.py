"""trust.yaml and plan.yaml, as govkit.config reads them: kept under this name so that
notebooks, leaders' code and older imports keep working.

The models moved to govkit.config, in the foundation layer: data/ reads the trust (its
schools and terms) and must not import from plan/, a layer above it.
"""

from govkit.config import *  # noqa: F403 every public name (govkit.config.__all__), as before
from govkit.config.files import _validate  # noqa: F401 for tests of the old name
