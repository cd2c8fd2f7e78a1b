/** The Web PubSub group the timer probe publishes its summary to and the dashboard listens on. */
export const liveGroup = "identity-probe";
