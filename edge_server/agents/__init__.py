"""Users, agent presence and desktop sessions: the edge's side of login and agent state."""
