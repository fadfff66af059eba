// The user's own presence in the header: what the server last reported
// (own-status), and a form to choose a manual status with a note. The shown
// status changes only when the server's presence frame comes back.
import { useEffect, useState } from 'preact/hooks';
import { SETTABLE_STATUSES, type PresenceStatus, type SettableStatus } from '../api/types';
import { presenceText, statusLabel } from './format';

interface Props {
  own: { status: PresenceStatus; note: string } | null;
  onSet: (status: SettableStatus, note: string) => void;
}

export const MAX_NOTE = 256;

const settable = (s: PresenceStatus | undefined): s is SettableStatus => (SETTABLE_STATUSES as readonly string[]).includes(s ?? '');

export function StatusPicker({ own, onSet }: Props) {
  const [status, setStatus] = useState<SettableStatus>(settable(own?.status) ? own!.status as SettableStatus : 'available');
  const [note, setNote] = useState(own?.note ?? '');
  const [dirty, setDirty] = useState(false);

  // Follow what the server says (another tab or a phone may change it) unless the user is editing.
  useEffect(() => {
    if (dirty || !own) return;
    if (settable(own.status)) setStatus(own.status);
    setNote(own.note);
  }, [own?.status, own?.note]);

  const save = () => {
    setDirty(false);
    onSet(status, note.trim());
  };
  const shown = own?.status ?? 'offline';
  return (
    <form class="status-box" aria-label="Your status" onSubmit={(e) => { e.preventDefault(); save(); }}>
      <span class="own-status" data-testid="own-status" data-status={shown} title={own ? presenceText(shown, own.note) : 'Not known yet'}>
        <span class={`presence-dot inline-dot st-${shown}`} aria-hidden="true" />
        <span class="own-status-text">{own ? presenceText(shown, own.note) : '…'}</span>
      </span>
      <label for="status-picker" class="visually-hidden">Status</label>
      <select
        id="status-picker"
        class="input status-select"
        data-testid="status-picker"
        value={status}
        onChange={(e) => { setStatus(e.currentTarget.value as SettableStatus); setDirty(true); }}
      >
        {SETTABLE_STATUSES.map((s) => <option key={s} value={s}>{statusLabel(s)}</option>)}
      </select>
      <label for="status-note" class="visually-hidden">Status note</label>
      <input
        id="status-note"
        class="input status-note"
        data-testid="status-note"
        placeholder="Note (optional)"
        maxLength={MAX_NOTE}
        value={note}
        onInput={(e) => { setNote(e.currentTarget.value); setDirty(true); }}
      />
      <button type="submit" class="btn btn-quiet" data-testid="status-save">Set</button>
    </form>
  );
}
