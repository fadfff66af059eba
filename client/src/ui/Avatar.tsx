// A round avatar with initials and an optional presence dot.
import { avatarColour, initials } from './format';

interface Props {
  id: string;
  title: string;
  online?: boolean;
  size?: 'sm' | 'md';
}

export function Avatar({ id, title, online, size = 'md' }: Props) {
  return (
    <span class={`avatar avatar-${size}`} style={{ backgroundColor: avatarColour(id) }} aria-hidden="true">
      {initials(title)}
      {online !== undefined && <span class={`presence-dot ${online ? 'is-online' : 'is-offline'}`} />}
    </span>
  );
}
