/**
 * Every page of an AWS list or describe call. IAM may truncate a page well below MaxItems and
 * EC2 pages by NextToken: a plan built from the first page alone hides policies, groups and
 * devices. Every read of a list in lib/containment goes through {@link everyPage}, over the
 * SDK's own paginators (a test checks the source for list calls made any other way).
 */

/**
 * Collect the items of every page a paginator yields.
 *
 * @param pages  an SDK paginator, e.g. `paginateListAttachedUserPolicies({ client }, { UserName })`
 * @param items  the page's list field
 * @example
 * const policies = await everyPage(iam.paginateListAttachedUserPolicies({ client }, { UserName: 'bob' }), (page) => page.AttachedPolicies);
 */
export async function everyPage<Page, Item>(pages: AsyncIterable<Page>, items: (page: Page) => readonly Item[] | undefined): Promise<Item[]> {
  const all: Item[] = [];
  // `?.`: a stubbed client may answer with nothing at all.
  for await (const page of pages) all.push(...((page as Page | undefined) === undefined ? [] : (items(page) ?? [])));
  return all;
}
