import { useLocalStorage } from '@mantine/hooks'

/** Whether log panes wrap long lines (the default) or keep one line per row; one choice for all. */
export function useWrapLines(): [boolean, (wrap: boolean) => void] {
  const [wrap, setWrap] = useLocalStorage({
    key: 'maildock.logs.wrap',
    defaultValue: true,
    getInitialValueInEffect: false,
  })
  return [wrap, setWrap]
}
