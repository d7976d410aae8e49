"""yibao-reports: cross-region comparison reports and personas."""
