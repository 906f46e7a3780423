import type { CommandView } from './api-types';

/** Wording shared by the views. */

export function presence(online: boolean | null): string {
  return online === null ? 'unknown' : online ? 'online' : 'offline';
}

export function percentText(percent: number | null | undefined): string {
  return percent === null || percent === undefined ? '-' : `${Math.round(percent)} %`;
}

export function timeText(value: string | number): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleTimeString();
}

export function dateTimeText(value: string | number): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

/** What the dock said about a command, for the operator. */
export function commandOutcome(command: CommandView): string {
  const result =
    command.result.code === null
      ? ''
      : ` (code ${command.result.code}${command.result.meaning ? `: ${command.result.meaning}` : ''})`;
  switch (command.state) {
    case 'pending':
      return 'sent, waiting for the dock to answer';
    case 'accepted':
      return `accepted by the dock${result}`;
    case 'refused':
      return `refused by the dock${result}`;
    case 'timeout':
      return `no answer from the dock in time${command.error ? `: ${command.error}` : ''}`;
    default:
      return `not sent: ${command.error ?? command.state}${result}`;
  }
}

/** A datetime-local input's value as epoch milliseconds (NaN when empty or invalid). */
export function localInputToMs(value: string): number {
  return value ? new Date(value).getTime() : Number.NaN;
}

/** Epoch ms as a datetime-local value (local time, minutes). */
export function msToLocalInput(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}
