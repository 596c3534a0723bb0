"""The routing engine: a pure library, events in and decisions out (see engine.py)."""
from edge_server.routing.engine import RoutingEngine
from edge_server.routing.errors import ConfigError, RoutingError
from edge_server.routing.strategies import AgentView, Scorer
from edge_server.routing.validation import validate_config

__all__ = ["AgentView", "ConfigError", "RoutingEngine", "RoutingError", "Scorer", "validate_config"]
