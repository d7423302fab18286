"""The trainee's Textual app; `make_app` builds it for the CLI, the tests and the benchmark."""

from __future__ import annotations

import gc
import importlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from textual import constants, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import reactive

from simulator.analysis.review import SOLVER_BUDGET
from simulator.engine.engine import Engine
from simulator.engine.session import Session, resume
from simulator.errors import HuikuanError, ScenarioError
from simulator.format.catalog import Entry, catalog
from simulator.format.loader import LoadedScenario, load_scenario
from simulator.frontends.records import latest_unfinished, unfinished
from simulator.frontends.settings import (
    Settings,
    default_config_path,
    load_settings,
    save_settings,
)
from simulator.frontends.tui import messages
from simulator.frontends.tui.debrief import DebriefScreen
from simulator.frontends.tui.dialogs import ChoiceDialog, ConfirmDialog, TraineeDialog
from simulator.frontends.tui.help import HelpScreen
from simulator.frontends.tui.home import HomeScreen
from simulator.frontends.tui.i18n import other, tr
from simulator.frontends.tui.play import PlayScreen


@dataclass(frozen=True)
class Options:
    """How the app was started: what to play, for whom, where logs and settings live."""

    # A path, or the scenario already loaded (the command line loads it first to check it).
    scenario: Path | LoadedScenario | None = None
    seed: int | None = None
    trainee: str | None = None
    lang: str | None = None
    log_dir: Path | None = None
    scenarios: Path | None = None
    bundled: bool = True
    config_path: Path | None = None
    reveal: bool = False
    cursor_blink: bool = True
    solver_budget: int = SOLVER_BUDGET
    # A browser of `huikuan serve`: the machine is shared, so the name is asked every time and
    # nothing is remembered; an unfinished play of the name given is offered for resuming.
    workshop: bool = False


class HuikuanApp(App[int]):
    """Home → play → debrief; the Session owns the game, the screens only show it."""

    TITLE = "huikuan"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "toggle_lang", show=False),
        Binding("question_mark", "help", show=False),
        Binding("q", "request_quit", show=False),
        Binding("ctrl+q", "request_quit", show=False, priority=True),
    ]

    lang: reactive[str] = reactive("zh")

    def __init__(self, options: Options) -> None:
        super().__init__()
        self.options = options
        self.config_path = options.config_path or default_config_path()
        self.settings = Settings() if options.workshop else load_settings(self.config_path)
        # Asked at every start unless given (a workshop PC changes hands); the last one is
        # offered, so the same trainee confirms with Enter (in workshop mode nothing is kept).
        self.trainee: str | None = options.trainee
        self.set_reactive(HuikuanApp.lang, options.lang or self.settings.lang or "zh")
        self._entries: tuple[list[Entry], list[ScenarioError]] | None = None
        self.engines: dict[str, Engine] = {}

    # --- starting -------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.title = tr(self.lang, "app_title")
        # Straight to the play screen when there is nothing to ask first (the quick start).
        if self.options.scenario is not None and self.trainee is not None:
            loaded = self.scenario()
            meta = loaded.scenario.meta
            log_dir, seed = self.options.log_dir, self.options.seed
            if unfinished(log_dir, meta.id, loaded.sha256, self.trainee, seed) is None:
                session = self.new_session(loaded, seed)
                self.push_screen(PlayScreen(session, reveal=self.options.reveal))
                return
        self._begin()

    def run(self, **kwargs: Any) -> int | None:
        """Run the app; first freeze what start-up made, which lives as long as the app does.

        Imports and the loaded scenario are a few hundred thousand objects that never become
        garbage; frozen, the collector stops re-scanning them on every full pass while the
        first screen is built (about 30 ms of a cold start).
        """
        gc.freeze()
        return super().run(**kwargs)

    def scenario(self) -> LoadedScenario:
        """The scenario the app was started with, loaded (once, if it came as a path)."""
        given = self.options.scenario
        assert given is not None
        return given if isinstance(given, LoadedScenario) else load_scenario(given)

    @work(exclusive=True, group="flow")
    async def _begin(self) -> None:
        if self.trainee is None:
            await self.ask_trainee()
        if self.options.workshop and await self._offer_latest():
            return
        if self.options.scenario is not None:
            await self._open(self.scenario(), self.options.seed)
        else:
            await self.push_screen(HomeScreen())

    async def ask_trainee(self) -> None:
        """Ask who is playing (needs a worker), offering the last name used on this machine
        (in workshop mode, none: a browser on a shared PC must not inherit a name)."""
        current = self.trainee or self.settings.trainee
        ask = "ask_trainee_workshop" if self.options.workshop else "ask_trainee"
        dialog = TraineeDialog(current, blink=self.options.cursor_blink, ask=ask)
        name = await self.push_screen(dialog, wait_for_dismiss=True) or current
        if name:
            self.trainee = name
            self.settings.trainee = name
            self._save()

    def _save(self) -> None:
        if not self.options.workshop:
            save_settings(self.config_path, self.settings)

    async def _offer_latest(self) -> bool:
        """Offer the trainee's latest unfinished play (any scenario); True if it was resumed."""
        latest = latest_unfinished(self.options.log_dir, self.trainee or "trainee")
        if latest is None:
            return False
        scenario, sha256, cut = latest
        found = [e for e in self.entries()[0] if e.id == scenario and e.loaded.sha256 == sha256]
        if not found:
            return False
        loaded = found[0].loaded
        title = loaded.scenario.meta.title

        def words(lang: str) -> str:
            return tr(
                lang, "resume_found", title=title.get(lang), n=cut.moves, d=cut.day, seed=cut.seed
            )

        dialog = ChoiceDialog(words, [("r", "resume", "resume"), ("n", "new", "start_over")])
        if await self.push_screen(dialog, wait_for_dismiss=True) != "resume":
            return False
        try:
            session = resume(cut.path, self.engine(loaded))
        except HuikuanError as exc:
            why = "; ".join(p.message for p in exc.problems)
            self.notify(tr(self.lang, "resume_failed", why=why), severity="error")
            return False
        await self.show_play(session, resumed=True)
        return True

    def entries(self) -> tuple[list[Entry], list[ScenarioError]]:
        """The scenarios to list: bundled ones, then those under --scenarios (loaded once)."""
        if self._entries is None:
            self._entries = catalog(self.options.scenarios, bundled=self.options.bundled)
        return self._entries

    @property
    def log_dir(self) -> Path | None:
        return self.options.log_dir

    def engine(self, loaded: LoadedScenario) -> Engine:
        """One engine per scenario file, built on first use and kept for replays."""
        found = self.engines.get(loaded.path)
        if found is None or found.loaded.sha256 != loaded.sha256:
            found = self.engines[loaded.path] = Engine(loaded)
        return found

    # --- moving between screens ----------------------------------------------------------------

    def open_scenario(self, loaded: LoadedScenario, seed: int | None = None) -> None:
        """Play `loaded`, first offering to resume an unfinished play of it."""
        self.run_worker(self._open(loaded, seed), exclusive=True, group="flow")

    async def _open(self, loaded: LoadedScenario, seed: int | None) -> None:
        engine = self.engine(loaded)
        trainee = self.trainee or "trainee"
        meta = loaded.scenario.meta
        cut = unfinished(self.options.log_dir, meta.id, loaded.sha256, trainee, seed)
        session: Session | None = None
        if cut is not None:
            title = meta.title.get(self.lang)

            def words(lang: str) -> str:
                return tr(lang, "resume_found", title=title, n=cut.moves, d=cut.day, seed=cut.seed)

            dialog = ChoiceDialog(words, [("r", "resume", "resume"), ("n", "new", "start_over")])
            choice = await self.push_screen(dialog, wait_for_dismiss=True)
            if choice is None:
                if len(self.screen_stack) == 1:
                    await self.go_home()
                return
            if choice == "resume":
                try:
                    session = resume(cut.path, engine)
                except HuikuanError as exc:
                    why = "; ".join(p.message for p in exc.problems)
                    failed = tr(self.lang, "resume_failed", why=why)
                    self.notify(failed, severity="error", markup=False)
        if session is None:
            session = self.new_session(loaded, seed)
        await self.show_play(session, resumed=cut is not None and session.play.steps != [])

    def new_session(self, loaded: LoadedScenario, seed: int | None) -> Session:
        seed = seed if seed is not None else secrets.randbelow(2**31)
        trainee = self.trainee or "trainee"
        return Session.start(self.engine(loaded), seed, trainee, self.options.log_dir, self.lang)

    async def show_play(self, session: Session, resumed: bool = False) -> None:
        screen = PlayScreen(session, reveal=self.options.reveal, resumed=resumed)
        if self._top_is_game():
            await self.switch_screen(screen)
        else:
            await self.push_screen(screen)

    def show_debrief(self, session: Session) -> None:
        self.switch_screen(DebriefScreen(session, self.options.solver_budget))

    def _top_is_game(self) -> bool:
        return isinstance(self.screen, PlayScreen | DebriefScreen)

    async def go_home(self) -> None:
        """Back to the home screen (it re-reads the best scores)."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            await self.pop_screen()
        if not isinstance(self.screen, HomeScreen):
            await self.push_screen(HomeScreen())

    # --- what the screens ask for ----------------------------------------------------------------

    def on_open_scenario(self, message: messages.OpenScenario) -> None:
        self.open_scenario(message.loaded, message.seed)

    def on_play_again(self, message: messages.PlayAgain) -> None:
        fresh = self.new_session(message.loaded, message.seed)
        self.run_worker(self.show_play(fresh), exclusive=True, group="flow")

    def on_show_debrief(self, message: messages.ShowDebrief) -> None:
        self.show_debrief(message.session)

    def on_go_home(self, _message: messages.GoHome) -> None:
        self.run_worker(self.go_home(), exclusive=True, group="flow")

    def on_change_trainee(self, _message: messages.ChangeTrainee) -> None:
        self.run_worker(self.ask_trainee(), exclusive=True, group="trainee")

    # --- keys everywhere ------------------------------------------------------------------------

    def watch_lang(self, lang: str) -> None:
        self.title = tr(lang, "app_title")

    def action_toggle_lang(self) -> None:
        self.lang = other(self.lang)
        self.settings.lang = self.lang
        self._save()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_request_quit(self) -> None:
        """Quit; in the middle of a game, ask first (the log stays resumable)."""
        screen = self.screen
        if isinstance(screen, PlayScreen) and screen.live:

            def answer(yes: bool | None) -> None:
                if yes:
                    screen.session.close()
                    self.exit(0)

            self.push_screen(ConfirmDialog(lambda lang: tr(lang, "confirm_quit")), answer)
            return
        self.exit(0)


def warm_up() -> None:
    """Import now what an app built later in this process will need: the driver Textual is
    told to use (`huikuan serve`'s forker calls this once, and every app it forks inherits it)."""
    if constants.DRIVER is not None:
        importlib.import_module(constants.DRIVER.partition(":")[0])


def make_app(
    scenario: Path | LoadedScenario | None = None,
    *,
    seed: int | None = None,
    trainee: str | None = None,
    lang: str | None = None,
    log_dir: Path | None = None,
    scenarios: Path | None = None,
    bundled: bool = True,
    config_path: Path | None = None,
    reveal: bool = False,
    cursor_blink: bool = True,
    solver_budget: int = SOLVER_BUDGET,
    workshop: bool = False,
) -> HuikuanApp:
    """The one way to build the app: home when `scenario` is None, else that scenario's play."""
    return HuikuanApp(
        Options(
            scenario=scenario,
            seed=seed,
            trainee=trainee,
            lang=lang,
            log_dir=log_dir,
            scenarios=scenarios,
            bundled=bundled,
            config_path=config_path,
            reveal=reveal,
            cursor_blink=cursor_blink,
            solver_budget=solver_budget,
            workshop=workshop,
        )
    )


__all__ = ["HuikuanApp", "Options", "Settings", "make_app"]
