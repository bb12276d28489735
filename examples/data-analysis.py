# A data analysis as an agent writes one: read the CSV it was given (under /input), summarise it with
# pandas, and draw a chart with matplotlib. The chart comes back as an image in the result's `images`,
# and the value of the last line as its `value`, as a notebook shows them.
import matplotlib.pyplot as plt
import pandas as pd

sales = pd.read_csv('/input/sales.csv')
sales['revenue'] = sales.units * sales.unit_price
monthly = sales.pivot_table(index='month', columns='region', values='revenue', aggfunc='sum')
print(f"{len(sales)} rows, total revenue {sales.revenue.sum():,.2f}")
print(f"best month: {monthly.sum(axis=1).idxmax()}")

axes = monthly.plot(kind='bar', figsize=(6, 4), title='Revenue by month and region')
axes.set_ylabel('revenue')
plt.tight_layout()
plt.show()

monthly.round(2)
