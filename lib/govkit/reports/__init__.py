"""Reports: one module per report (overview, priority, deep dive, report card), the HTML
building blocks they share, charts, and the export to the house HTML."""
