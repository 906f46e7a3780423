export class WaylineNotFoundError extends Error {
  constructor(readonly waylineId: string) {
    super(`wayline ${waylineId} does not exist`);
    this.name = 'WaylineNotFoundError';
  }
}

export class WaylineInUseError extends Error {
  constructor(
    readonly waylineId: string,
    readonly flightIds: string[],
  ) {
    super(
      `wayline ${waylineId} is used by tasks that are not final (flights ${flightIds.join(', ')}); ` +
        'delete it once they have finished or been canceled',
    );
    this.name = 'WaylineInUseError';
  }
}
