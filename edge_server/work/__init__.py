"""Work distribution on the edge: hosts the pure routing engine, journals its inputs, executes its decisions."""
