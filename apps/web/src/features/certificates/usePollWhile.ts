import { onBeforeUnmount, watch } from 'vue';

/**
 * Calls `reload` every `intervalMs` while `active()` is true (e.g. a case whose certificate is being
 * issued by the background job), at most `maxTimes` times in a row.
 */
export function usePollWhile(active: () => boolean, reload: () => unknown, intervalMs = 3000, maxTimes = 40): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let times = 0;
  const stop = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  const schedule = () => {
    stop();
    if (!active() || times >= maxTimes) return;
    timer = setTimeout(async () => {
      times++;
      await reload();
      schedule();
    }, intervalMs);
  };
  watch(active, (on) => {
    times = 0;
    if (on) schedule();
    else stop();
  }, { immediate: true });
  onBeforeUnmount(stop);
}
