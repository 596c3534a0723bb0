"""Form and flow designers for supervisors."""
