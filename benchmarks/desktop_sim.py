"""One simulated desktop: the window's database pattern over the service layer, without Qt.

What arthur_desktop.main_window does, thread for thread:
- refresh(): the performance table and the summary strip (all time, the default period), the chat list (its
  first page once, then by difference: the open chats read again, the new ones), the deliveries and, only while
  its tab is shown, the handling-time chart, each on the window's worker pool (TaskRunner, 4 threads) over the
  desktop's pooled connections;
- the start and every refresh_seconds the timer refresh, reusing a team's shared reports (services.shared_reports)
  younger than half the interval and than the last notice of a changed chat heard;
- a notice on the LISTEN connection (arthur_desktop.live_changes, its own connection) reads the deliveries it
  names, and the chats it names when the list shows one of them, 250 ms and the desktop's own random part of a
  second after the first of a burst (not the reports: WindowRefresh.show_live_changes); a trigger that comes while
  a refresh runs is deferred by at least 250 ms;
- an ending desktop shows the in-progress chats, opens one's transcript, ends it and refreshes at once;
- a retrying desktop presses Retry all now and then; every window does it once at start.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

from desktop_plan import BenchClient, DesktopPlan, DesktopStats

import services.shared_reports
from services.chat_changes import chat_changes, chats_by_id, newest_chat_id
from services.chats import list_chats
from services.deliveries import deliveries_by_id, list_deliveries, retry_pending_deliveries
from services.distribution import handling_time_distribution
from services.end_chat import end_chat
from services.errors import ChatAlreadyEnded, DeliveryInFlight
from services.floor_results import ServiceLevelTarget
from services.floor_summary import floor_summary
from services.performance import agent_performance
from services.results import ChatFilter, ChatState, ChatStatus
from services.shared_reports import (
    reuse_seconds_for,
    shared_agent_performance,
    shared_distribution,
    shared_floor_summary,
)
from services.storage.change_feed import ChangeListener, Noticed, noticed, open_change_listener
from services.storage.database import Database, connect
from services.transcripts import chat_transcript

WORKER_THREADS = 4  # arthur_desktop.workers.TaskRunner
_working_out = threading.local()  # .now: the load on this thread worked its report out, rather than read it
DEBOUNCE_SECONDS = 0.25  # arthur_desktop.live_changes.DEBOUNCE_MS
SPREAD_SECONDS = 1.0  # arthur_desktop.live_changes.SPREAD_MS: each window's own random part of it, once
LISTEN_SLICE_SECONDS = 0.5  # arthur_desktop.live_changes.WAIT_SECONDS


class SimulatedDesktop:
    def __init__(self, plan: DesktopPlan, stop: threading.Event) -> None:
        self.plan = plan
        self.stats = DesktopStats()
        self._stop = stop
        self._random = random.Random(plan.seed)
        self._client = BenchClient(plan.failing_share, plan.seed)
        self._wake = threading.Condition()
        self._wanted_at: float | None = None  # a live or own refresh waiting for its moment
        self._wanted_cause = "live"
        self._change_heard: float | None = None  # time.monotonic() of the last notice of a changed chat
        self._noticed: Noticed | None = None  # what the notices since the last live refresh told of
        self._debounce = DEBOUNCE_SECONDS + self._random.uniform(0, SPREAD_SECONDS)
        self._refreshing = False
        self._in_progress: list[int] = []
        self._chats_lock = threading.Lock()
        self._newest: int | None = None  # the chat list's state, as ChatPanel keeps it
        self._shown: dict[int, ChatState] = {}
        self._database: Database | None = None
        self._pool: ThreadPoolExecutor | None = None

    def run(self) -> None:
        """The desktop's life, on the calling thread: open, start, refresh and act until stop_at, close."""
        plan = self.plan
        self._sleep_until(plan.start_at)
        if self._stop.is_set():
            return
        self._database = connect(plan.url)
        self._pool = ThreadPoolExecutor(WORKER_THREADS, thread_name_prefix=f"desktop-{plan.number}")
        helpers = [threading.Thread(target=self._listen, daemon=True)]
        if plan.ends_every or plan.retries_every:
            helpers.append(threading.Thread(target=self._act, daemon=True))
        try:
            self._refresh("start")
            self._guarded(self._retry_all)  # MainWindow.start(): Retry all once
            for helper in helpers:
                helper.start()
            self._refresh_loop()
        finally:
            for helper in helpers:
                helper.join(timeout=LISTEN_SLICE_SECONDS * 4)
            self._pool.shutdown(wait=True)
            self._database.dispose()

    def _refresh_loop(self) -> None:
        plan = self.plan
        next_tick = time.time() + plan.refresh_seconds
        while not self._stop.is_set() and time.time() < plan.stop_at:
            with self._wake:
                due = min(next_tick, self._wanted_at or next_tick, plan.stop_at)
                self._wake.wait(timeout=max(0.0, due - time.time()))
                now, wanted = time.time(), self._wanted_at
                if wanted is not None and wanted <= now:
                    self._wanted_at, cause = None, self._wanted_cause
                elif now >= next_tick:
                    cause = "timer"
                    while next_tick <= now:
                        next_tick += plan.refresh_seconds  # a QTimer fires on its own beat
                else:
                    continue
            if now < plan.stop_at:
                self._refresh(cause)

    def _refresh(self, cause: str) -> None:
        assert self._pool is not None and self._database is not None
        database, plan = self._database, self.plan
        loads: dict[str, Callable[[], object]] = {
            "chats": self._refresh_chat_list,
            "deliveries": lambda: list_deliveries(database.unit_of_work()),
        }
        if cause == "live":  # MainWindow._show_live_changes: the lists that may show what changed
            with self._wake:
                what, self._noticed = self._noticed or Noticed(frozenset(), frozenset(), True), None
            with self._chats_lock:
                shows_chat = any(chat_id in self._shown for chat_id in what.chat_ids)
            if not (what.other or shows_chat):
                del loads["chats"]
            elif not what.other:  # ChatPanel.refresh_changed: those chats read by id
                loads["chats"] = lambda: self._refresh_chat_list(what.chat_ids)
            if not (what.other or what.delivery_ids):
                del loads["deliveries"]
            elif not what.other:  # DeliveriesPanel.refresh_changed: those deliveries, not the whole list
                loads["deliveries"] = lambda: deliveries_by_id(database.unit_of_work(), what.delivery_ids)
            if not loads:
                return  # nothing shown changed: no refresh
        charted = False
        # MainWindow: the start and the automatic refresh may reuse a team's shared reports; an own End chat works
        # them out (services.shared_reports)
        reuse = reuse_seconds_for(plan.refresh_seconds) if cause in ("start", "timer") else 0.0
        if self._change_heard is not None:  # WindowRefresh.reuse_seconds: none from before a chat's notice
            reuse = min(reuse, time.monotonic() - self._change_heard)
        if cause != "live" or plan.live_refreshes_all:  # MainWindow._show_live_changes: the lists only
            loads["performance"] = lambda: self._report(shared_agent_performance, agent_performance, reuse)
            loads["summary"] = lambda: self._report(self._shared_summary, self._summary, reuse)
            if plan.chart_shown:
                loads["chart"] = lambda: self._report(shared_distribution, handling_time_distribution, reuse)
                charted = True
        with self._wake:
            self._refreshing = True
        started = time.time()
        done: dict[str, float] = {}
        worked: set[str] = set()
        futures = [self._pool.submit(self._timed, load, name, done, worked) for name, load in loads.items()]
        wait(futures)
        finished = time.time()
        with self._wake:
            self._refreshing = False
        self._count_failures(futures)
        if cause != "start" and plan.measure_from <= started < plan.stop_at:  # a slow last one counts too
            self.stats.refreshes.append(finished - started)
            (self.stats.chart_refreshes if charted else self.stats.plain_refreshes).append(finished - started)
            self.stats.causes[cause] = self.stats.causes.get(cause, 0) + 1
            self.stats.by_cause.setdefault(cause, []).append(finished - started)
            if worked and self.plan.share_reports:
                self.stats.worked_out.append(finished - started)
                for name in worked:
                    self.stats.work_outs[name] = self.stats.work_outs.get(name, 0) + 1
            elif "performance" in loads:
                self.stats.read_kept.append(finished - started)
            for name, moment in done.items():
                self.stats.loads.setdefault(name, []).append(moment - started)

    @staticmethod
    def _timed(load: Callable[[], object], name: str, done: dict[str, float], worked: set[str]) -> object:
        _working_out.now = False
        try:
            return load()
        finally:
            done[name] = time.time()
            if _working_out.now:
                worked.add(name)

    def _report(self, shared: Callable[..., object], alone: Callable[..., object], reuse: float) -> object:
        """A report as the window loads it, or as it did before the sharing (--no-sharing)."""
        assert self._database is not None
        if self.plan.share_reports:
            return shared(self._database, None, reuse)
        return alone(self._database.unit_of_work(), None)

    @staticmethod
    def _shared_summary(database: Database, window: None, reuse: float) -> object:
        return shared_floor_summary(database, window, ServiceLevelTarget(), reuse)

    @staticmethod
    def _summary(uow: object, window: None) -> object:
        return floor_summary(uow, window, ServiceLevelTarget())  # type: ignore[arg-type]

    def _refresh_chat_list(self, only: frozenset[int] | None = None) -> None:
        """ChatPanel.refresh: the first page once, then by difference (services.chat_changes); the open chats in
        only, read again by id, when a notice named them (ChatPanel.refresh_changed)."""
        assert self._database is not None
        database = self._database
        chat_filter = ChatFilter(status=ChatStatus.IN_PROGRESS) if self.plan.ends_every else ChatFilter()
        with self._chats_lock:
            newest, shown = self._newest, dict(self._shown)
        if newest is None and not shown:
            newest = newest_chat_id(database.unit_of_work())
            page = list_chats(database.unit_of_work(), chat_filter)
            shown = {chat.chat_id: ChatState.of(chat) for chat in page.chats}
        else:
            known = [state for state in shown.values() if state.status is not ChatStatus.ENDED]
            if only is None:
                changes = chat_changes(database.unit_of_work(), chat_filter, None, newer_than=newest, known=known)
            elif named := [state.chat_id for state in known if state.chat_id in only]:
                changes = chats_by_id(database.unit_of_work(), chat_filter, None, named)
            else:
                return
            for chat_id in changes.gone:
                shown.pop(chat_id, None)
            shown.update((chat.chat_id, ChatState.of(chat)) for chat in changes.current)
            shown.update((new.chat.chat_id, ChatState.of(new.chat)) for new in changes.new)
            newest = changes.newest_id if changes.newest_id is not None else newest
        with self._chats_lock:
            self._newest, self._shown = newest, shown
            if self.plan.ends_every:
                self._in_progress = [i for i, state in shown.items() if state.status is ChatStatus.IN_PROGRESS]

    def _listen(self) -> None:
        """arthur_desktop.live_changes.ListenerThread and the window's _refresh_when_idle."""
        assert self._database is not None
        listener: ChangeListener | None = None
        try:
            listener = open_change_listener(self._database)
            while listener is not None and not self._stop.is_set() and time.time() < self.plan.stop_at:
                notices = listener.wait(LISTEN_SLICE_SECONDS)
                if notices:
                    with self._wake:
                        what = noticed(notices)
                        self._noticed = what if self._noticed is None else self._noticed | what
                    if listener.chats_received is not None:  # LiveChanges.seconds_since_chats_changed
                        self._change_heard = listener.chats_received
                    self._want_refresh(self._debounce, "live")
        except Exception as exc:
            self._error(exc)
        finally:
            if listener is not None:
                listener.close()

    def _want_refresh(self, after: float, cause: str) -> None:
        with self._wake:
            if self._refreshing:  # _refresh_when_idle: deferred by the debounce
                after = max(after, DEBOUNCE_SECONDS)
            if self._wanted_at is None:  # the debounce is not restarted by later notices
                self._wanted_at, self._wanted_cause = time.time() + after, cause
                self._wake.notify()

    def _act(self) -> None:
        plan = self.plan
        next_end = self._next(plan.ends_every)
        next_retry = self._next(plan.retries_every)
        while not self._stop.is_set():
            due = min(next_end, next_retry)
            if due >= plan.stop_at:
                return
            self._sleep_until(due)
            if time.time() >= plan.stop_at or self._stop.is_set():
                return
            if due == next_end:
                self._guarded(self._end_one)
                next_end = self._next(plan.ends_every)
            else:
                self._guarded(self._retry_all)
                next_retry = self._next(plan.retries_every)
            self._want_refresh(0.0, "own")  # the window refreshes as soon as an end or a retry returns

    def _end_one(self) -> None:
        assert self._database is not None
        if not self._in_progress:
            return
        chat_id = self._random.choice(self._in_progress)
        database, client = self._database, self._client
        self._on_pool(lambda: chat_transcript(chat_id, database.unit_of_work(), client))
        try:
            self._on_pool(lambda: end_chat(chat_id, database.unit_of_work(), client))
        except (ChatAlreadyEnded, DeliveryInFlight):
            self.stats.refused_ends += 1
            return
        self.stats.ends += 1

    def _retry_all(self) -> None:
        assert self._database is not None
        database, client = self._database, self._client
        records = self._on_pool(lambda: retry_pending_deliveries(database.unit_of_work(), client))
        self.stats.retried += len(records) if isinstance(records, list) else 0

    def _on_pool(self, function: Callable[[], object]) -> object:
        assert self._pool is not None
        return self._pool.submit(function).result()

    def _guarded(self, function: Callable[[], None]) -> None:
        try:
            function()
        except Exception as exc:
            self._error(exc)

    def _count_failures(self, futures: list[Future[object]]) -> None:
        for future in futures:
            error = future.exception()
            if error is not None:
                self._error(error)

    def _error(self, error: BaseException) -> None:
        lines = str(error).strip().splitlines()
        self.stats.errors.append(f"{type(error).__name__}: {lines[0][:200] if lines else ''}")

    def _next(self, mean_seconds: float | None) -> float:
        if not mean_seconds:
            return float("inf")
        return time.time() + self._random.expovariate(1 / mean_seconds)

    def _sleep_until(self, moment: float) -> None:
        while not self._stop.is_set() and time.time() < moment:
            self._stop.wait(min(0.5, moment - time.time()))


def count_work_outs() -> None:
    """In a worker process: a load marks its thread when services.shared_reports works its report out (calls the
    report's function, by its name in that module) instead of reading the kept one."""
    module = services.shared_reports
    for name in ("agent_performance", "floor_summary", "handling_time_distribution"):
        setattr(module, name, _marking(getattr(module, name)))


def _marking(work_out: Callable[..., object]) -> Callable[..., object]:
    def marked(*args: object, **kwargs: object) -> object:
        _working_out.now = True
        return work_out(*args, **kwargs)

    return marked
