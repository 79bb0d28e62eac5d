import { Box, Button, Checkbox, Input, Text } from "@saleor/macaw-ui-next";
import { useEffect, useMemo, useRef, useState } from "react";
import { useMutation, useQuery } from "urql";

import {
  SegmentDeleteDocument,
  SegmentDetailDocument,
  SegmentExportDocument,
  SegmentExportFileDocument,
  SegmentListDocument,
} from "../../generated/graphql";
import type { ChannelChoice } from "../channels/use-channel";
import { useChannel } from "../channels/use-channel";
import { formatDateTime } from "../ui/dates";
import { ConfirmButton } from "../ui/confirm-button";
import { Cell, Section, Table } from "../ui/layout";
import { EmptyState, ErrorNotice, FormErrors, Loading } from "../ui/states";
import { type BuilderGroup, builderToDefinition, counterIds, definitionToBuilder, emptyBuilder, nodeIdsByPath } from "./builder-rows";
import { parseDefinition, serializeDefinition } from "./condition-tree";
import { SegmentBuilder } from "./segment-builder";
import { segmentTrend } from "./segment-trend";
import { TrendSparkline } from "./trend-sparkline";
import { useBuilderChoices } from "./use-builder-choices";
import { useSegmentPreview } from "./use-segment-preview";
import { useSegmentSave } from "./use-segment-save";
import { validateBuilder } from "./validate-builder";

export function SegmentsTab({ channel, segmentId, draft, openSegment }: { channel: ChannelChoice; segmentId: string | null; draft: string | null; openSegment: (id: string | null) => void }) {
  const [creating, setCreating] = useState(draft !== null);
  if (segmentId) {
    return <ExistingSegment key={segmentId} id={segmentId} channel={channel} onClose={() => openSegment(null)} />;
  }
  if (creating) {
    return (
      <SegmentEditor
        channel={channel}
        initial={{ name: "", autoTag: "", perChannel: true, definition: draft }}
        segmentId={null}
        onDone={(id) => {
          setCreating(false);
          openSegment(id);
        }}
      />
    );
  }
  return <SegmentList channel={channel} onOpen={openSegment} onNew={() => setCreating(true)} />;
}

function SegmentList({ channel, onOpen, onNew }: { channel: ChannelChoice; onOpen: (id: string) => void; onNew: () => void }) {
  const [search, setSearch] = useState("");
  const [result] = useQuery({ query: SegmentListDocument, variables: { search: search || null } });
  const segments = result.data?.customerSegments?.edges.map((edge) => edge.node) ?? [];
  return (
    <Section
      title="Segments"
      testId="segment-list"
      actions={
        <Button variant="primary" onClick={onNew} data-testid="new-segment">
          New segment
        </Button>
      }
    >
      <Input size="small" label="Search" value={search} onChange={(event) => setSearch(event.target.value)} />
      {result.fetching && !result.data ? (
        <Loading />
      ) : result.error && !result.data?.customerSegments ? (
        <ErrorNotice error={result.error} what="segments" />
      ) : segments.length === 0 ? (
        <EmptyState title={search ? "No segment matches" : "No segments yet"}>
          A segment is a rule (spend, orders, recency, points, tier, tags, country, products, consent, RFM…) whose members stay current by themselves. Try “spent over 500 in the last year”.
        </EmptyState>
      ) : (
        <Table head={["Name", "Channel", "Members", "Last 30 days", "Automatic tag", "Computed"]}>
          {segments.map((segment) => (
            <Box as="tr" key={segment.id} cursor="pointer" onClick={() => onOpen(segment.id)} data-testid={`segment-row-${segment.name}`}>
              <Cell>{segment.name}</Cell>
              <Cell>{segment.channel?.slug ?? "all channels"}</Cell>
              <Cell>{segment.memberCount.toLocaleString("en-US")}</Cell>
              <Cell>
                <TrendSparkline trend={segmentTrend(segment.memberCountHistory)} testId={`segment-trend-${segment.name}`} />
              </Cell>
              <Cell>{segment.autoTag ?? "—"}</Cell>
              <Cell>{formatDateTime(segment.computedAt)}</Cell>
            </Box>
          ))}
        </Table>
      )}
      <Text size={1} color="default2">
        Showing segments of every channel; the builder previews against {channel.name} for new segments.
      </Text>
    </Section>
  );
}

function ExistingSegment({ id, channel, onClose }: { id: string; channel: ChannelChoice; onClose: () => void }) {
  const [result, refetch] = useQuery({ query: SegmentDetailDocument, variables: { id } });
  const [, deleteSegment] = useMutation(SegmentDeleteDocument);
  const [exportState, exportMembers] = useMutation(SegmentExportDocument);
  const exportId = exportState.data?.customerSegmentMembersExport?.exportFile?.id ?? null;
  const [exportFile, refetchExport] = useQuery({ query: SegmentExportFileDocument, variables: { id: exportId ?? "" }, pause: !exportId, requestPolicy: "network-only" });
  const segment = result.data?.customerSegment;
  const exportStatus = exportFile.data?.customerSegmentExportFile?.status;
  useEffect(() => {
    if (!exportId || exportStatus === "SUCCESS" || exportStatus === "FAILED") return;
    const timer = setInterval(() => refetchExport({ requestPolicy: "network-only" }), 2000);
    return () => clearInterval(timer);
  }, [exportId, exportStatus, refetchExport]);

  if (result.fetching && !result.data) return <Loading />;
  if (result.error && !segment) return <ErrorNotice error={result.error} what="this segment" />;
  if (!segment) return <EmptyState title="Segment not found">It may have been deleted.</EmptyState>;

  const members = segment.members?.edges.map((edge) => edge.node) ?? [];
  const history = segment.history?.edges.map((edge) => edge.node) ?? [];
  return (
    <Box display="flex" flexDirection="column" gap={6}>
      <Box display="flex" gap={2}>
        <Button variant="tertiary" onClick={onClose}>
          ← All segments
        </Button>
        <Button
          variant="secondary"
          onClick={() => exportMembers({ id })}
          disabled={exportState.fetching}
          data-testid="export-segment"
        >
          Export members (CSV)
        </Button>
        <ConfirmButton
          variant="error"
          size="medium"
          testId="delete-segment"
          question={`Delete “${segment.name}” with its membership history? Its automatic tag leaves its members.`}
          onConfirm={async () => {
            const response = await deleteSegment({ id });
            if (!response.error && response.data?.customerSegmentDelete?.errors.length === 0) onClose();
          }}
        >
          Delete
        </ConfirmButton>
      </Box>
      {exportId ? (
        <Box display="flex" gap={2} alignItems="center" data-testid="export-status">
          <Text size={2}>Export: {exportFile.data?.customerSegmentExportFile?.status ?? "PENDING"}</Text>
          {exportFile.data?.customerSegmentExportFile?.url ? (
            <a href={exportFile.data.customerSegmentExportFile.url} target="_blank" rel="noreferrer">
              Download
            </a>
          ) : (
            <Button size="small" variant="tertiary" onClick={() => refetchExport({ requestPolicy: "network-only" })}>
              Check again
            </Button>
          )}
        </Box>
      ) : null}
      <SegmentEditor
        channel={channel}
        segmentId={id}
        segmentChannel={segment.channel?.slug ?? null}
        initial={{ name: segment.name, autoTag: segment.autoTag ?? "", perChannel: segment.channel !== null, definition: segment.definition }}
        onDone={() => refetch({ requestPolicy: "network-only" })}
      />
      <Section title={`Members (${segment.memberCount.toLocaleString("en-US")})`}>
        {members.length === 0 ? (
          <Text size={2} color="default2">
            Nobody matches yet.
          </Text>
        ) : (
          <Table head={["E-mail", "Tags"]}>
            {members.map((member) => (
              <tr key={member.id}>
                <Cell>{member.email}</Cell>
                <Cell>{member.crmTags.join(", ") || "—"}</Cell>
              </tr>
            ))}
          </Table>
        )}
      </Section>
      <Section title="Membership history">
        {history.length === 0 ? (
          <Text size={2} color="default2">
            No joins or leaves yet.
          </Text>
        ) : (
          <Table head={["When", "Customer", "", "Why"]}>
            {history.map((event) => (
              <tr key={event.id}>
                <Cell>{formatDateTime(event.occurredAt)}</Cell>
                <Cell>{event.user.email}</Cell>
                <Cell>{event.kind === "JOINED" ? "joined" : "left"}</Cell>
                <Cell>{event.reason}</Cell>
              </tr>
            ))}
          </Table>
        )}
      </Section>
    </Box>
  );
}

interface EditorInitial {
  name: string;
  autoTag: string;
  perChannel: boolean;
  definition: string | null;
}

function initialBuilder(definition: string | null, newId: () => string): { root: BuilderGroup; problem: string | null } {
  if (!definition) return { root: emptyBuilder(newId), problem: null };
  try {
    return { root: definitionToBuilder(parseDefinition(definition), newId), problem: null };
  } catch (error) {
    return { root: emptyBuilder(newId), problem: (error as Error).message };
  }
}

function SegmentEditor({ channel, segmentId, segmentChannel, initial, onDone }: { channel: ChannelChoice; segmentId: string | null; segmentChannel?: string | null; initial: EditorInitial; onDone: (id: string | null) => void }) {
  const newId = useRef(counterIds("b")).current;
  const [start] = useState(() => initialBuilder(initial.definition, newId));
  const [root, setRoot] = useState<BuilderGroup>(start.root);
  const [name, setName] = useState(initial.name);
  const [autoTag, setAutoTag] = useState(initial.autoTag);
  const [perChannel, setPerChannel] = useState(initial.perChannel);
  const { channels } = useChannel(null);
  const choices = useBuilderChoices(segmentChannel ?? channel.slug, channels);
  const previewChannel = segmentId ? (segmentChannel ?? null) : perChannel ? channel.slug : null;

  const localProblems = validateBuilder(root, { hasChannel: previewChannel !== null });
  const definition = root.children.length > 0 ? serializeDefinition(builderToDefinition(root)) : null;
  const { result: preview, stale } = useSegmentPreview({ definition: localProblems.length === 0 ? definition : null, channel: previewChannel, segmentId });
  const previewData = preview.data?.customerSegmentPreview;
  const serverErrors = previewData?.errors ?? [];
  const { save, saving, saveErrors } = useSegmentSave();

  const problemsById = useMemo(() => {
    const map = new Map<string, string[]>();
    const add = (nodeId: string | undefined, message: string) => {
      if (!nodeId) return;
      map.set(nodeId, [...(map.get(nodeId) ?? []), message]);
    };
    for (const problem of localProblems) add(problem.nodeId, problem.message);
    const byPath = nodeIdsByPath(root);
    for (const error of [...serverErrors, ...saveErrors]) {
      if (error.path !== undefined && error.path !== null) add(byPath.get(error.path) ?? root.id, error.message ?? "");
    }
    return map;
  }, [localProblems, serverErrors, saveErrors, root]);

  return (
    <Section title={segmentId ? `Segment: ${initial.name}` : "New segment"} testId="segment-editor">
      {start.problem ? <Text color="critical1">The stored definition could not be read: {start.problem}</Text> : null}
      <Box display="grid" gap={3} __gridTemplateColumns="2fr 1fr">
        <Input label="Name" value={name} onChange={(event) => setName(event.target.value)} data-testid="segment-name" />
        <Input label="Automatic tag (optional)" value={autoTag} onChange={(event) => setAutoTag(event.target.value)} />
      </Box>
      {!segmentId ? (
        <Checkbox checked={perChannel} onCheckedChange={(checked) => setPerChannel(checked === true)}>
          <Text size={2}>In {channel.name} only (needed for money, loyalty and RFM conditions)</Text>
        </Checkbox>
      ) : (
        <Text size={2} color="default2">
          Channel: {segmentChannel ?? "all channels"} (cannot change)
        </Text>
      )}
      <Box display="grid" gap={4} __gridTemplateColumns="minmax(0, 3fr) minmax(220px, 1fr)">
        <SegmentBuilder
          root={root}
          onChange={setRoot}
          newId={newId}
          problems={problemsById}
          choices={choices}
        />
        <Box display="flex" flexDirection="column" gap={2} data-testid="segment-preview">
          <Text size={2} color="default2">
            Live preview {stale || preview.fetching ? "(updating…)" : ""}
          </Text>
          {definition === null ? (
            <Text size={2}>Add a condition to see who matches.</Text>
          ) : localProblems.length > 0 ? (
            <Text size={2}>Fix the marked conditions to see who matches.</Text>
          ) : preview.error ? (
            <ErrorNotice error={preview.error} what="the preview" />
          ) : previewData ? (
            <>
              <Text size={8} fontWeight="bold" data-testid="preview-count">
                {previewData.count?.toLocaleString("en-US") ?? "—"}
              </Text>
              <Text size={2}>customers match now</Text>
              {segmentId ? (
                <Text size={2} data-testid="preview-diff">
                  would join: {previewData.entering ?? 0} · would leave: {previewData.leaving ?? 0}
                </Text>
              ) : null}
              <FormErrors errors={serverErrors.filter((error) => !error.path)} />
              {(previewData.sample ?? []).slice(0, 10).map((user) => (
                <Text key={user.id} size={2} color="default2">
                  {user.email}
                </Text>
              ))}
            </>
          ) : null}
        </Box>
      </Box>
      <FormErrors errors={saveErrors.filter((error) => !error.path)} />
      <Box display="flex" gap={2}>
        <Button
          variant="primary"
          disabled={saving || definition === null || localProblems.length > 0}
          data-testid="save-segment"
          onClick={async () => {
            if (!definition) return;
            const id = await save({ segmentId, name, autoTag, channel: previewChannel, definition });
            if (id) onDone(id);
          }}
        >
          {segmentId ? "Save changes" : "Create segment"}
        </Button>
        {!segmentId ? (
          <Button variant="tertiary" onClick={() => onDone(null)}>
            Cancel
          </Button>
        ) : null}
      </Box>
    </Section>
  );
}
