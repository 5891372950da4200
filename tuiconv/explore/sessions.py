"""The session a scene's screen runs: one place that knows which session draws which screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuiconv.explore.scene import Scene

if TYPE_CHECKING:
    from tuiconv.explore.network import NetworkSession
    from tuiconv.explore.stepper import StepperSession
    from tuiconv.explore.train import TrainingSession

    Session = StepperSession | NetworkSession | TrainingSession


def session_for(scene: Scene) -> "Session":
    """The session of ``scene.screen``, set up as the scene says (InputError/ValueError if it cannot)."""
    if scene.screen == "stepper":
        from tuiconv.explore.stepper import StepperSession

        return StepperSession.from_scene(scene)
    if scene.screen == "network":
        from tuiconv.explore.network import NetworkSession

        return NetworkSession.from_scene(scene)
    from tuiconv.explore.train import TrainingSession

    return TrainingSession.from_scene(scene)
