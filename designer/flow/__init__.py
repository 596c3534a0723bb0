"""The flow designer's canvas: model, undo commands, scene items and the FlowEditor widget."""
