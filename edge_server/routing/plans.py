"""Routing plans: what a task's first ``n`` steps in a queue amount to.

Effects are recomputed by folding steps from the queue's base, never
patched in place, so a configuration change re-derives every waiting task's
requirements from the new plan with the same code.
"""
from __future__ import annotations

from edge_server.routing.model import FinalAction, PlanStep, QueueConfig, TaskSpec


class PlanEffect:
    """Requirements, widening and priority after some steps (terminal actions excluded)."""

    __slots__ = ("reqs", "language", "agents", "teams", "priority_delta", "callback")

    def __init__(self, reqs: dict[str, int], language: str) -> None:
        self.reqs = reqs
        self.language = language
        self.agents: tuple[str, ...] = ()
        self.teams: tuple[str, ...] = ()
        self.priority_delta = 0
        self.callback = False


def base_requirements(spec: TaskSpec, queue: QueueConfig) -> dict[str, int]:
    return dict(spec.skills) if spec.skills is not None else dict(queue.skills)


def is_terminal(step: PlanStep) -> bool:
    """Does the step take the task out of this queue?"""
    return bool(step.overflow_queue) or step.final_action is FinalAction.VOICEMAIL


def fold(spec: TaskSpec, queue: QueueConfig, n_steps: int) -> PlanEffect:
    eff = PlanEffect(base_requirements(spec, queue), spec.language)
    agents: list[str] = []
    teams: list[str] = []
    for step in queue.plan[:n_steps]:
        for skill, level in step.skills.items():
            if level <= 0:
                eff.reqs.pop(skill, None)
            else:
                eff.reqs[skill] = level
        if step.drop_language:
            eff.language = ""
        agents.extend(a for a in step.add_agents if a not in agents)
        teams.extend(t for t in step.add_teams if t not in teams)
        eff.priority_delta += step.priority_delta
        if step.final_action is FinalAction.CALLBACK:
            eff.callback = True
    eff.agents = tuple(sorted(agents))
    eff.teams = tuple(sorted(teams))
    return eff


def step_at_ms(entered_ms: int, step: PlanStep) -> int:
    return entered_ms + int(round(step.after_s * 1000))
