import { useState } from 'react'
import { Button, Group, NumberInput, Popover, Select, Stack, Text } from '@mantine/core'
import { chaosStages, type ChaosStage } from '../../../../shared/contract'
import { useClient } from '../../transport/client'
import { errorMessage } from '../../ui/notify'

/** Sets one of the catcher's chaos triggers: a stage fails with a code, some percent of the time. */
export function ChaosControls({ enabled }: { enabled: boolean }) {
  const client = useClient()
  const [stage, setStage] = useState<ChaosStage>('Recipient')
  const [code, setCode] = useState<number | string>(550)
  const [probability, setProbability] = useState<number | string>(100)
  const [error, setError] = useState<string | undefined>()
  const apply = () => {
    setError(undefined)
    client
      .call('mailbox:chaos-set', {
        triggers: { [stage]: { ErrorCode: Number(code), Probability: Number(probability) } },
      })
      .catch((reason: unknown) => setError(errorMessage(reason)))
  }
  return (
    <Popover width={300} position="bottom-end" withArrow>
      <Popover.Target>
        <Button
          size="xs"
          variant="default"
          color="orange"
          disabled={!enabled}
          data-testid="chaos-open"
        >
          Failure injection
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs">
          <Select
            label="Stage"
            data={[...chaosStages]}
            value={stage}
            onChange={(value) => value !== null && setStage(value)}
            allowDeselect={false}
          />
          <Group grow>
            <NumberInput
              label="SMTP code"
              min={400}
              max={599}
              value={code}
              onChange={setCode}
              data-testid="chaos-code"
            />
            <NumberInput
              label="Percent"
              min={0}
              max={100}
              value={probability}
              onChange={setProbability}
              data-testid="chaos-probability"
            />
          </Group>
          {error !== undefined && (
            <Text size="xs" c="red">
              {error}
            </Text>
          )}
          <Button size="xs" color="orange" onClick={apply} data-testid="chaos-apply">
            Apply
          </Button>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  )
}
