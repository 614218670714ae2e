import { Fieldset, NumberInput, Select, SimpleGrid, TextInput } from '@mantine/core'
import { brokerQueueTypes, type BrokerQueueType } from '../../../../shared/contract'
import { numberRanges, portKeys, portLabels, type SettingsForm } from './settings-model'
import { asNumber, mono, wholeNumber, type SettingsFieldProps } from './RelayFieldset'

export function ImagesFieldset({ form, info, errorOf, edit }: SettingsFieldProps) {
  const imageInput = (key: keyof SettingsForm['images'], label: string) => {
    const field = info(`images.${key}`)
    return (
      <TextInput
        label={label}
        description={field.description}
        disabled={field.locked}
        styles={mono}
        value={form.images[key]}
        error={errorOf(`images.${key}`)}
        onChange={(e) => {
          const value = e.currentTarget.value
          edit((f) => ({ ...f, images: { ...f.images, [key]: value } }))
        }}
      />
    )
  }
  return (
    <Fieldset legend="Images">
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        {imageInput('broker', 'Broker (RabbitMQ with management)')}
        {imageInput('node', 'Node base of api, emailer, logger')}
        {imageInput('catcher', 'Mail catcher (SMTP 1025, UI 8025)')}
      </SimpleGrid>
    </Fieldset>
  )
}

export function PortsFieldset({ form, info, errorOf, warnings, edit }: SettingsFieldProps) {
  return (
    <Fieldset legend="Published ports on 127.0.0.1 (0: any free port)">
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        {portKeys.map((key) => {
          const field = info(`ports.${key}`)
          return (
            <NumberInput
              key={key}
              label={portLabels[key]}
              description={field.description}
              disabled={field.locked}
              styles={mono}
              {...wholeNumber(numberRanges.port)}
              value={form.ports[key]}
              error={errorOf(`ports.${key}`) ?? warnings[`ports.${key}`]}
              onChange={(value) =>
                edit((f) => ({ ...f, ports: { ...f.ports, [key]: asNumber(value) } }))
              }
            />
          )
        })}
      </SimpleGrid>
    </Fieldset>
  )
}

const QUEUE_TYPE_OPTIONS: Array<{ value: BrokerQueueType; label: string }> = [
  { value: 'classic', label: 'Classic (one broker)' },
  { value: 'quorum', label: 'Quorum (replicated, for a broker cluster)' },
]

export function ServicesFieldset({ form, info, errorOf, warnings, edit }: SettingsFieldProps) {
  return (
    <Fieldset legend="Services">
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <NumberInput
          label="Emailer replicas"
          description={info('emailerReplicas').description}
          disabled={info('emailerReplicas').locked}
          {...wholeNumber(numberRanges.emailerReplicas)}
          value={form.emailerReplicas}
          error={errorOf('emailerReplicas')}
          onChange={(value) => edit((f) => ({ ...f, emailerReplicas: asNumber(value) }))}
        />
        <Select
          label="Broker queue type"
          data-testid="settings-queue-type"
          description={info('queueType').description}
          disabled={info('queueType').locked}
          data={QUEUE_TYPE_OPTIONS}
          allowDeselect={false}
          value={form.queueType}
          error={warnings.queueType}
          onChange={(value) => {
            const queueType = brokerQueueTypes.find((type) => type === value)
            if (queueType !== undefined) edit((f) => ({ ...f, queueType }))
          }}
        />
        <NumberInput
          label="Health time-out (s)"
          description={info('healthTimeoutSeconds').description}
          disabled={info('healthTimeoutSeconds').locked}
          {...wholeNumber(numberRanges.healthTimeoutSeconds)}
          value={form.healthTimeoutSeconds}
          error={errorOf('healthTimeoutSeconds')}
          onChange={(value) => edit((f) => ({ ...f, healthTimeoutSeconds: asNumber(value) }))}
        />
      </SimpleGrid>
    </Fieldset>
  )
}
