import { useState } from 'react'
import {
  Alert,
  Checkbox,
  Radio,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core'
import type { EventInput, ImageSummary } from '../../../../shared/contract'
import { useAction } from '../../transport/hooks'
import { formatBytes, parseKeyValues, shortId } from '../../ui/format'
import { notifyDone } from '../../ui/notify'
import { ResourceConfirmDialog, ResourceFormDialog } from '../../ui/ResourceDialog'

export const imageTitle = (image: ImageSummary): string =>
  image.tags[0] ?? `<none> ${shortId(image.id)}`

export function TagDialog({ image, onClose }: { image: ImageSummary | null; onClose: () => void }) {
  const { call } = useAction()
  const [repo, setRepo] = useState('')
  const [tag, setTag] = useState('latest')
  const submit = async () => {
    if (!image) return
    await call('images:tag', { id: image.id, repo: repo.trim(), tag: tag.trim() || 'latest' })
    notifyDone('Tagged', `${repo.trim()}:${tag.trim() || 'latest'}`)
  }
  return (
    <ResourceFormDialog
      opened={image !== null}
      title={image ? `Tag ${imageTitle(image)}` : ''}
      submitLabel="Tag"
      canSubmit={repo.trim() !== ''}
      errorTitle="Could not tag the image"
      onSubmit={submit}
      onClose={onClose}
    >
      <TextInput
        label="Repository"
        placeholder="registry.local:5000/team/app"
        value={repo}
        onChange={(e) => setRepo(e.currentTarget.value)}
        required
        data-autofocus
      />
      <TextInput label="Tag" value={tag} onChange={(e) => setTag(e.currentTarget.value)} />
    </ResourceFormDialog>
  )
}

/** Removes one tag of a multi-tag image, or the whole image (optionally with force). */
export function RemoveImageDialog({
  image,
  onClose,
}: {
  image: ImageSummary | null
  onClose: () => void
}) {
  const { call } = useAction()
  const [target, setTarget] = useState(
    image?.tags.length === 1 ? image.id : (image?.tags[0] ?? image?.id ?? ''),
  )
  const [force, setForce] = useState(false)
  const several = (image?.tags.length ?? 0) > 1
  return (
    <ResourceConfirmDialog
      opened={image !== null}
      title={image ? `Remove ${imageTitle(image)}?` : ''}
      confirmLabel="Remove"
      onClose={onClose}
      errorTitle="Could not remove the image"
      run={async () => {
        const result = await call('images:remove', { id: target, force })
        notifyDone(
          'Image removed',
          `${result.untagged.length} untagged, ${result.deleted.length} layers deleted`,
        )
      }}
    >
      {several && image && (
        <Radio.Group value={target} onChange={setTarget} label="Remove">
          <Stack gap={4} mt={4}>
            {image.tags.map((tag) => (
              <Radio
                key={tag}
                value={tag}
                label={<Text ff="monospace" size="sm">{`the tag ${tag} only`}</Text>}
              />
            ))}
            <Radio
              value={image.id}
              label={`the whole image ${shortId(image.id)} (all ${image.tags.length} tags)`}
            />
          </Stack>
        </Radio.Group>
      )}
      {image && image.usedBy.length > 0 && (
        <Alert color="yellow" p="xs">
          Used by {image.usedBy.map((c) => c.name).join(', ')}: remove those containers first, or
          force.
        </Alert>
      )}
      <Checkbox label="Force" checked={force} onChange={(e) => setForce(e.currentTarget.checked)} />
    </ResourceConfirmDialog>
  )
}

export function PruneImagesDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { call } = useAction()
  const [mode, setMode] = useState<'dangling' | 'unused'>('dangling')
  return (
    <ResourceConfirmDialog
      opened={opened}
      title="Prune images"
      confirmLabel="Prune"
      onClose={onClose}
      errorTitle="Could not prune images"
      run={async () => {
        const result = await call('images:prune', { mode })
        notifyDone(
          `Reclaimed ${formatBytes(result.reclaimedBytes)}`,
          `${result.deleted.length} image layers deleted`,
        )
      }}
    >
      <SegmentedControl
        value={mode}
        onChange={setMode}
        data={[
          { value: 'dangling', label: 'Dangling (untagged)' },
          { value: 'unused', label: 'Every unused image' },
        ]}
      />
      <Text size="sm">
        {mode === 'dangling'
          ? 'Removes untagged images: leftovers of rebuilds and pulls.'
          : 'Removes every image no container uses, tagged or not. Local images that cannot be pulled again are gone for good.'}
      </Text>
    </ResourceConfirmDialog>
  )
}

interface BuildForm {
  kind: 'folder' | 'archive'
  path: string
  dockerfile: string
  tags: string
  args: string
  noCache: boolean
}

const EMPTY_BUILD: BuildForm = {
  kind: 'folder',
  path: '',
  dockerfile: '',
  tags: '',
  args: '',
  noCache: false,
}

function toBuildInput(form: BuildForm): EventInput<'images:build'> {
  const buildArgs = parseKeyValues(form.args)
  return {
    context: { kind: form.kind, path: form.path.trim() },
    tags: form.tags.split(/[\s,]+/).filter(Boolean),
    noCache: form.noCache,
    ...(form.dockerfile.trim() ? { dockerfile: form.dockerfile.trim() } : {}),
    ...(Object.keys(buildArgs).length ? { buildArgs } : {}),
  }
}

function BuildFields({
  form,
  set,
}: {
  form: BuildForm
  set: <K extends keyof BuildForm>(key: K, value: BuildForm[K]) => void
}) {
  const folder = form.kind === 'folder'
  return (
    <>
      <SegmentedControl
        value={form.kind}
        onChange={(value) => set('kind', value)}
        data={[
          { value: 'folder', label: 'Folder' },
          { value: 'archive', label: 'Tar archive' },
        ]}
      />
      <TextInput
        label={folder ? 'Build context folder' : 'Context archive (.tar, .tar.gz)'}
        description="A path on the machine running MailDock"
        placeholder={folder ? '/home/me/project' : '/home/me/context.tar.gz'}
        value={form.path}
        onChange={(e) => set('path', e.currentTarget.value)}
        required
        ff="monospace"
        data-autofocus
      />
      <TextInput
        label="Dockerfile"
        placeholder="Dockerfile"
        value={form.dockerfile}
        onChange={(e) => set('dockerfile', e.currentTarget.value)}
      />
      <TextInput
        label="Tags"
        placeholder="myapp:dev myapp:latest"
        value={form.tags}
        onChange={(e) => set('tags', e.currentTarget.value)}
      />
      <Textarea
        label="Build args"
        placeholder={'BASE_IMAGE=maildock/node:local\nVERSION=1.2'}
        rows={3}
        value={form.args}
        onChange={(e) => set('args', e.currentTarget.value)}
        ff="monospace"
      />
      <Checkbox
        label="No cache"
        checked={form.noCache}
        onChange={(e) => set('noCache', e.currentTarget.checked)}
      />
    </>
  )
}

export function BuildDialog({
  opened,
  onClose,
  onBuild,
}: {
  opened: boolean
  onClose: () => void
  onBuild: (input: EventInput<'images:build'>) => void
}) {
  const [form, setForm] = useState(EMPTY_BUILD)
  const set = <K extends keyof BuildForm>(key: K, value: BuildForm[K]) =>
    setForm((previous) => ({ ...previous, [key]: value }))
  return (
    <ResourceFormDialog
      opened={opened}
      title="Build an image"
      submitLabel="Build"
      size="lg"
      canSubmit={form.path.trim() !== ''}
      onSubmit={() => {
        onBuild(toBuildInput(form))
      }}
      onClose={onClose}
    >
      <BuildFields form={form} set={set} />
    </ResourceFormDialog>
  )
}
