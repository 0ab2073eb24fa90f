import { onScopeDispose, ref, type Ref } from 'vue';

/** Phones and narrow tablets: the side menu becomes a drawer, forms stack their labels. */
export const MOBILE_QUERY = '(max-width: 768px)';

export function useIsMobile(): Ref<boolean> {
  const query = window.matchMedia(MOBILE_QUERY);
  const isMobile = ref(query.matches);
  const onChange = (e: MediaQueryListEvent) => {
    isMobile.value = e.matches;
  };
  query.addEventListener('change', onChange);
  onScopeDispose(() => query.removeEventListener('change', onChange));
  return isMobile;
}
