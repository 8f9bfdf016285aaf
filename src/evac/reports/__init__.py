"""Reports: finding people (search), and later sitreps and dashboards."""
