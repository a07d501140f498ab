//! Charts drawn on the server as SVG: readable without JavaScript, with the numbers in a table
//! beside them for screen readers (and anyone who wants the figures).
use leptos::prelude::*;

/// One line of a chart: its name and a value per point (none where there is not enough).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// A series' points in a `width` by `height` box whose values run from `low` (bottom) to
/// `high` (top), as polylines: a point without a value breaks the line rather than inventing one.
pub fn polylines(values: &[Option<f64>], width: f64, height: f64, low: f64, high: f64) -> Vec<String> {
    let step = if values.len() > 1 { width / (values.len() - 1) as f64 } else { 0.0 };
    let y = |v: f64| height - (v.clamp(low, high) - low) / (high - low) * height;
    let mut runs: Vec<Vec<String>> = vec![Vec::new()];
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                if let Some(run) = runs.last_mut() {
                    run.push(format!("{:.1},{:.1}", i as f64 * step, y(*v)));
                }
            }
            None if runs.last().is_some_and(|r| !r.is_empty()) => runs.push(Vec::new()),
            None => {}
        }
    }
    runs.into_iter().filter(|r| !r.is_empty()).map(|r| r.join(" ")).collect()
}

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 140.0;
const LEFT: f64 = 28.0;
const TOP: f64 = 8.0;

/// The chart's figures as a table, each value with `digits` decimals.
fn figures_table(
    title: String,
    corner: &'static str,
    rows: Vec<String>,
    series: &[Series],
    empty: &'static str,
    digits: usize,
) -> impl IntoView {
    let label = title.clone();
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=label>
            <table class="figures chart-data">
                <caption>{title}</caption>
                <thead>
                    <tr>
                        <th scope="col">{corner}</th>
                        {series.iter().map(|s| view! { <th scope="col">{s.name.clone()}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().enumerate().map(|(i, label)| view! {
                        <tr>
                            <th scope="row">{label}</th>
                            {series.iter().map(|s| {
                                let value = s.values.get(i).copied().flatten();
                                view! { <td>{value.map_or_else(|| empty.to_owned(), |v| format!("{v:.digits$}"))}</td> }
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Which colour is which series.
fn legend(series: &[Series]) -> impl IntoView {
    view! {
        <figcaption>
            <ul class="legend">
                {series.iter().enumerate().map(|(n, s)| view! {
                    <li><span class=format!("swatch series-{n}") aria-hidden="true"></span>{s.name.clone()}</li>
                }).collect_view()}
            </ul>
        </figcaption>
    }
}

/// How a chart's table names its rows and a missing value.
pub struct ChartWords {
    /// The heading of the table's first column (what the labels are: months).
    pub labels: &'static str,
    pub empty: &'static str,
}

/// A line chart of `series` over `labels` (values from `low` to `high`), titled `title`, with
/// the same figures in a table below it.
pub fn line_chart(
    title: String,
    labels: Vec<String>,
    series: Vec<Series>,
    (low, high): (f64, f64),
    words: ChartWords,
) -> impl IntoView {
    let ChartWords { labels: corner, empty } = words;
    let ticks: Vec<f64> = (0..=4).map(|i| low + (high - low) * f64::from(i) / 4.0).collect();
    let y = move |v: f64| TOP + HEIGHT - (v - low) / (high - low) * HEIGHT;
    let step = if labels.len() > 1 { WIDTH / (labels.len() - 1) as f64 } else { 0.0 };
    let view_box = format!("0 0 {} {}", LEFT + WIDTH + 8.0, TOP + HEIGHT + 24.0);
    let lines = series.clone();
    let rows = labels.clone();
    view! {
        <figure class="chart">
            <svg viewBox=view_box role="img" aria-label=title.clone() class="line-chart">
                <title>{title.clone()}</title>
                {ticks.into_iter().map(|v| view! {
                    <line x1=LEFT x2=LEFT + WIDTH y1=y(v) y2=y(v) class="grid"/>
                    <text x=LEFT - 4.0 y=y(v) + 4.0 text-anchor="end" class="tick">{format!("{v:.0}")}</text>
                }).collect_view()}
                {labels.iter().enumerate().filter(|(i, _)| i % 3 == 0).map(|(i, label)| view! {
                    <text x=LEFT + i as f64 * step y=TOP + HEIGHT + 16.0 text-anchor="middle" class="tick">{label.clone()}</text>
                }).collect_view()}
                <g transform=format!("translate({LEFT} {TOP})")>
                    {lines.into_iter().enumerate().map(|(n, s)| {
                        polylines(&s.values, WIDTH, HEIGHT, low, high).into_iter().map(|points| view! {
                            <polyline points=points class=format!("series series-{n}")/>
                        }).collect_view()
                    }).collect_view()}
                </g>
            </svg>
            {legend(&series)}
            {figures_table(title, corner, rows, &series, empty, 1)}
        </figure>
    }
}

/// The length of each bar for `values` (counts) in a `width` wide box: the largest value fills
/// it; a chart of nothing but zeros has no bars rather than dividing by zero.
pub fn bar_lengths(values: &[f64], width: f64) -> Vec<f64> {
    let most = values.iter().copied().fold(0.0, f64::max);
    values.iter().map(|v| if most > 0.0 { v / most * width } else { 0.0 }).collect()
}

const BAR: f64 = 10.0;
const BAR_ROW: f64 = 44.0;

/// A bar chart of counts: per label one bar for each series, the label above its bars and each
/// bar's count at its end, titled `title`, with the same figures in a table below it.
pub fn bar_chart(title: String, labels: Vec<String>, series: Vec<Series>, words: ChartWords) -> impl IntoView {
    let ChartWords { labels: corner, empty } = words;
    let width = WIDTH - 24.0;
    let lengths: Vec<Vec<f64>> = {
        let all: Vec<f64> = series.iter().flat_map(|s| s.values.iter().map(|v| v.unwrap_or(0.0))).collect();
        let scaled = bar_lengths(&all, width);
        scaled.chunks(labels.len().max(1)).map(<[f64]>::to_vec).collect()
    };
    let height = BAR_ROW * labels.len() as f64;
    let view_box = format!("0 0 {} {}", WIDTH + 8.0, height + 4.0);
    let rows = labels.clone();
    view! {
        <figure class="chart">
            <svg viewBox=view_box role="img" aria-label=title.clone() class="bar-chart">
                <title>{title.clone()}</title>
                {labels.iter().enumerate().map(|(i, label)| {
                    let top = i as f64 * BAR_ROW;
                    view! {
                        <text x=0 y=top + 12.0 class="tick">{label.clone()}</text>
                        {series.iter().enumerate().map(|(n, s)| {
                            let y = top + 16.0 + n as f64 * (BAR + 2.0);
                            let length = lengths.get(n).and_then(|l| l.get(i)).copied().unwrap_or(0.0);
                            let value = s.values.get(i).copied().flatten().unwrap_or(0.0);
                            view! {
                                <rect x=0 y=y width=format!("{length:.1}") height=BAR class=format!("bar series-{n}")/>
                                <text x=length + 4.0 y=y + BAR - 1.0 class="tick">{format!("{value:.0}")}</text>
                            }
                        }).collect_view()}
                    }
                }).collect_view()}
            </svg>
            {legend(&series)}
            {figures_table(title, corner, rows, &series, empty, 0)}
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_without_a_value_breaks_the_line() {
        let lines = polylines(&[Some(5.0), Some(1.0), None, Some(3.0), Some(3.0)], 400.0, 100.0, 1.0, 5.0);
        assert_eq!(lines, ["0.0,0.0 100.0,100.0", "300.0,50.0 400.0,50.0"]);
        assert!(polylines(&[None, None], 400.0, 100.0, 1.0, 5.0).is_empty());
    }

    #[test]
    fn the_largest_count_fills_the_width_and_zeros_draw_nothing() {
        assert_eq!(bar_lengths(&[2.0, 4.0, 0.0], 100.0), [50.0, 100.0, 0.0]);
        assert_eq!(bar_lengths(&[0.0, 0.0], 100.0), [0.0, 0.0]);
    }
}
