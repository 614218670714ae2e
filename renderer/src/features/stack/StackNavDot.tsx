import { useSubscription } from '../../transport/hooks'
import { StatusDot } from '../../ui/StatusDot'
import { stackStateView } from './stack-model'

/** The sidebar's dot for the Stack panel: green when every service runs healthy. */
export function StackNavDot() {
  const { data } = useSubscription('stack:changed', {})
  if (!data) return <StatusDot state="idle" label="stack status loading" />
  const view = stackStateView[data.state]
  return (
    <StatusDot
      state={data.busy ? 'warn' : view.dot}
      label={`stack ${data.busy ? `busy (${data.busy.kind})` : view.label.toLowerCase()}`}
    />
  )
}
