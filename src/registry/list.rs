//! Reading the token list, page by page: following `urls.next` one by one, or, when the
//! first page says how many pages there are in npmjs.org's form, asking for the others
//! side by side and keeping what following `next` would have read.

use std::collections::HashSet;

use reqwest::Url;

use super::client::RegistryClient;
use super::display_url;
use super::error::RegistryError;
use super::http::Budget;
use super::page::{decode_page, Page, Token};
use crate::text;

/// A token list longer than this many pages is treated as a registry fault.
const MAX_PAGES: usize = 10_000;

/// A token list as it is read: its tokens so far, and the pages already asked for.
#[derive(Default)]
struct List {
    tokens: Vec<Token>,
    seen: HashSet<Url>,
}

/// A page read, and its bytes held in the list's budget.
struct FetchedPage<'b> {
    page: Page,
    held: Held<'b>,
}

/// A page's bytes, taken from the list's budget: given back if the page is dropped (read
/// early, then not kept), kept for good once its tokens are in the list.
struct Held<'b> {
    budget: &'b Budget,
    bytes: usize,
}

impl Held<'_> {
    fn keep(mut self) {
        self.bytes = 0;
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.budget.give_back(self.bytes);
    }
}

/// npmjs.org's pages, known from the first: `total` tokens, `perPage` a page, page n at
/// the list's own URL with `?page=n&perPage=M` (the first page, asked for without a query,
/// is page 0). Planned only when the first page's `next` is exactly page 1's URL in that
/// form (a positive `perPage` without leading zeros, nothing else in the query, no
/// fragment), and the total makes 2 to [`MAX_PAGES`] pages.
#[derive(Debug, PartialEq, Eq)]
struct PagePlan {
    list: Url,
    per_page: u64,
    total: u64,
    pages: usize,
}

impl PagePlan {
    fn new(list: &Url, next: &Url, total: u64) -> Option<PagePlan> {
        let per_page = next.query()?.strip_prefix("page=1&perPage=")?;
        if per_page.starts_with('0') || !per_page.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let per_page: u64 = per_page.parse().ok()?;
        let pages = usize::try_from(total.div_ceil(per_page)).ok()?;
        let plan = PagePlan {
            list: list.clone(),
            per_page,
            total,
            pages,
        };
        ((2..=MAX_PAGES).contains(&pages) && plan.url(1) == *next).then_some(plan)
    }

    /// Page `n`'s URL (from 0, though page 0 is asked for without a query).
    fn url(&self, n: usize) -> Url {
        let mut url = self.list.clone();
        url.set_query(Some(&format!("page={n}&perPage={}", self.per_page)));
        url
    }
}

impl RegistryClient {
    /// Every token, following `urls.next` from page to page. A link back to a page already
    /// read, an endless list, or pages that together go past the list's byte limit are an
    /// error rather than a hang or a machine out of memory. `on_page(pages, tokens, of)` is
    /// called after each page that has a next one, with the number of pages when it is
    /// known.
    ///
    /// When the first page says its `total` and links to the next in npmjs.org's form
    /// (`?page=1&perPage=M`), the other pages are asked for side by side (see
    /// [`PagePlan`]); what they hold is the same as following `next` would give, or the
    /// reading goes on by following `next` from the first page that is not as planned.
    pub async fn list_tokens(
        &self,
        on_page: &dyn Fn(usize, usize, Option<usize>),
    ) -> Result<Vec<Token>, RegistryError> {
        let budget = Budget::new(self.http.body_limits().1);
        let mut list = List::default();
        let first = self.tokens_url();
        list.seen.insert(first.clone());
        let FetchedPage { page, held } = self.read_page(&first, &budget, 1).await?;
        held.keep();
        list.tokens.extend(page.objects);
        let Some(next) = page.next.map(|link| self.resolve_link(&link)).transpose()? else {
            return Ok(list.tokens);
        };
        let plan = page
            .total
            .and_then(|total| PagePlan::new(&first, &next, total));
        on_page(1, list.tokens.len(), plan.as_ref().map(|plan| plan.pages));
        let next = match plan {
            Some(plan) => {
                self.read_side_by_side(&plan, &mut list, &budget, on_page)
                    .await?
            }
            None => Some(next),
        };
        self.follow_next(next, &mut list, &budget, on_page).await?;
        Ok(list.tokens)
    }

    /// Reads pages 1 and on of `plan` side by side (at most [`Self::max_in_flight`] at a
    /// time), and keeps them in order while each is what following `next` would have read:
    /// page n is asked for at the link page n−1 gave, so it is kept; if it says another
    /// `total` or links elsewhere than page n+1 (or, as the last, anywhere), the pages read
    /// after it are dropped, and this returns its own link, from which `next` is followed
    /// one by one. Also from a page that would pass the list's byte limit (which pages
    /// read early may have used up): it is read again, alone.
    async fn read_side_by_side(
        &self,
        plan: &PagePlan,
        list: &mut List,
        budget: &Budget,
        on_page: &dyn Fn(usize, usize, Option<usize>),
    ) -> Result<Option<Url>, RegistryError> {
        use futures_util::stream::{self, StreamExt};
        let in_flight = self.max_in_flight();
        log::debug!(
            "the token list has {} pages: reading the other {} side by side, at most {in_flight} at a time",
            plan.pages,
            plan.pages - 1
        );
        let pages = stream::iter(1..plan.pages)
            .map(|n| {
                let url = plan.url(n);
                async move {
                    let page = self.read_page(&url, budget, n + 1).await;
                    (url, page)
                }
            })
            .buffered(in_flight);
        let mut pages = std::pin::pin!(pages);
        let mut n = 0;
        while let Some((url, page)) = pages.next().await {
            n += 1;
            let FetchedPage { page, held } = match page {
                Ok(page) => page,
                Err(RegistryError::TooLarge { .. } | RegistryError::ListTooLarge { .. }) => {
                    return Ok(Some(url))
                }
                Err(e) => return Err(e),
            };
            held.keep();
            list.seen.insert(url);
            list.tokens.extend(page.objects);
            let next = page.next.map(|link| self.resolve_link(&link)).transpose()?;
            let planned = (n + 1 < plan.pages).then(|| plan.url(n + 1));
            if page.total != Some(plan.total) || next != planned {
                log::debug!(
                    "page {} of the token list is not as its first page said: following `next` from it",
                    n + 1
                );
                return Ok(next);
            }
            if next.is_some() {
                on_page(list.seen.len(), list.tokens.len(), Some(plan.pages));
            }
        }
        Ok(None)
    }

    /// Follows `next` from page to page, one at a time.
    async fn follow_next(
        &self,
        mut next: Option<Url>,
        list: &mut List,
        budget: &Budget,
        on_page: &dyn Fn(usize, usize, Option<usize>),
    ) -> Result<(), RegistryError> {
        while let Some(url) = next.take() {
            if !list.seen.insert(url.clone()) {
                return Err(RegistryError::PageLoop {
                    url: display_url(&url),
                });
            }
            if list.seen.len() > MAX_PAGES {
                return Err(RegistryError::TooManyPages { limit: MAX_PAGES });
            }
            let FetchedPage { page, held } = self.read_page(&url, budget, list.seen.len()).await?;
            held.keep();
            list.tokens.extend(page.objects);
            next = page.next.map(|link| self.resolve_link(&link)).transpose()?;
            if next.is_some() {
                on_page(list.seen.len(), list.tokens.len(), None);
            }
        }
        Ok(())
    }

    /// Reads and decodes one page (the `number`th of the list), within what the list may
    /// still take from `budget`.
    async fn read_page<'b>(
        &self,
        url: &Url,
        budget: &'b Budget,
        number: usize,
    ) -> Result<FetchedPage<'b>, RegistryError> {
        let (max_page, max_list) = self.http.body_limits();
        let body = match self.http.get_within(url.clone(), budget).await {
            Err(RegistryError::TooLarge { .. }) if budget.left() < max_page => {
                return Err(RegistryError::ListTooLarge {
                    limit: max_list,
                    page: number,
                })
            }
            body => body?,
        };
        let held = Held {
            budget,
            bytes: body.len(),
        };
        let mut page = decode_page(&body, url)?;
        // A registry that echoes a credential it was sent into what it lists gets it
        // masked before any output sees it (one fast check per page; rare work after).
        let redactor = self.http.redactor();
        if redactor.appears_in(&body) {
            page.objects = page.objects.iter().map(|t| t.redacted(redactor)).collect();
        }
        Ok(FetchedPage { page, held })
    }

    /// A `next` link: an absolute http(s) URL, or a path joined onto the registry as npm does.
    fn resolve_link(&self, link: &str) -> Result<Url, RegistryError> {
        let bad = || RegistryError::BadNextLink {
            link: text::quoted(link, self.http.redactor()),
        };
        let url = match Url::parse(link) {
            Ok(url) => url,
            Err(_) => self
                .http
                .registry()
                .join(link.trim().trim_start_matches('/'))
                .map_err(|_| bad())?,
        };
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad());
        }
        // As for redirects: a list read over https is never continued over plain http.
        if self.http.registry().scheme() == "https" && url.scheme() == "http" {
            return Err(RegistryError::InsecureNextLink {
                link: text::quoted(link, self.http.redactor()),
            });
        }
        Ok(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_planned_only_from_npmjs_form_of_link() {
        let list = Url::parse("https://r.example/pre/-/npm/v1/tokens").unwrap();
        let plan = |next: &str, total| PagePlan::new(&list, &Url::parse(next).unwrap(), total);
        let at = |query: &str| format!("https://r.example/pre/-/npm/v1/tokens?{query}");
        let planned = plan(&at("page=1&perPage=100"), 1000).unwrap();
        assert_eq!((planned.pages, planned.per_page), (10, 100));
        assert_eq!(
            planned.url(9).as_str(),
            "https://r.example/pre/-/npm/v1/tokens?page=9&perPage=100"
        );
        assert_eq!(plan(&at("page=1&perPage=100"), 1001).unwrap().pages, 11);
        assert_eq!(plan(&at("page=1&perPage=1"), 2).unwrap().pages, 2);
        for (next, total) in [
            // Other forms of link: followed one by one.
            (at("perPage=100&page=1"), 1000),
            (at("page=2&perPage=100"), 1000),
            (at("page=1&perPage=100&sort=created"), 1000),
            (at("page=1&perPage=0100"), 1000),
            (at("page=1&perPage=0"), 1000),
            (at("page=1&perPage=+100"), 1000),
            (at("page=1&perPage="), 1000),
            (at("page=1&perPage=18446744073709551616"), 1000),
            (at("page=1"), 1000),
            (at("page=1&perPage=100#top"), 1000),
            (at("page=01&perPage=100"), 1000),
            (
                "https://r.example/-/npm/v1/tokens?page=1&perPage=100".into(),
                1000,
            ),
            (
                "https://other.example/pre/-/npm/v1/tokens?page=1&perPage=100".into(),
                1000,
            ),
            (
                "http://r.example/pre/-/npm/v1/tokens?page=1&perPage=100".into(),
                1000,
            ),
            // A total that makes one page (or none) disagrees with a next page.
            (at("page=1&perPage=100"), 100),
            (at("page=1&perPage=100"), 0),
            // More pages than a list may have: following `next` says so.
            (at("page=1&perPage=1"), MAX_PAGES as u64 + 1),
            (at("page=1&perPage=1"), u64::MAX),
        ] {
            assert_eq!(plan(&next, total), None, "{next} {total}");
        }
    }
}
