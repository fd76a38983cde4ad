"""The plan and its evaluation: trust and plan config, the measures catalogue, national
benchmarks, rating, triggers, suppression, and the words a figure is told in."""
