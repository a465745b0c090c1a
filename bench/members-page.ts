// The benchmarked operation: the admin console's first page of members, with each member's tier.

export const membersPageQuery = `query MembersPage {
  members(first: 20) {
    edges { cursor node { id name phone city joinChannel joinedAt tier { id code name } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const membersPageSize = 20;
