// Lab mode's place in the session: the lab that is open and the step a learner left it from, so
// "Do it in step N" and coming back lands where they were.
import { navigate } from "./state.svelte";
import type { ScreenId } from "./screens";

export const labsView = $state({
  /** The open lab's id, or null for the list of labs. */
  open: null as string | null,
  /** The step whose "Do it" button was pressed last: shown again on return. */
  from: null as string | null,
});

/** Opens a wizard step from a lab step, remembering where to come back to. */
export function doItIn(screen: ScreenId, step: string): void {
  labsView.from = step;
  navigate(screen);
}

/** Opens step 4 at its danger zone (the destroy), once the lazily loaded screen has drawn it. */
export function openDestroy(): void {
  navigate("service");
  const until = Date.now() + 10_000;
  const look = () => {
    const zone = document.querySelector<HTMLElement>('[data-testid="danger-zone"]');
    if (zone) {
      zone.scrollIntoView({ block: "start" });
      zone.querySelector<HTMLElement>("button")?.focus({ preventScroll: true });
    } else if (Date.now() < until) {
      setTimeout(look, 100);
    }
  };
  setTimeout(look, 0);
}
