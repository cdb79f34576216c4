// Names for the ids the API returns: teams, agents and members, loaded once per page.
import { listAll } from "./api.js";
import { session } from "./session.js";

/** Maps of id → name for teams and agents, and id → email for members (when the caller may list them). */
export async function loadNames() {
  const [teams, agents, members] = await Promise.all([
    listAll("/v1/teams"), listAll("/v1/agents"), listAll("/v1/members").catch(() => []),
  ]);
  return {
    teams, agents, members,
    team: (id) => teams.find((team) => team.id === id)?.name ?? id ?? "—",
    agent: (id) => agents.find((agent) => agent.id === id)?.name ?? id ?? "—",
    member: (id) => members.find((member) => member.id === id)?.email ?? (id === session.me?.user?.id ? session.me.user.email : id) ?? "—",
  };
}
