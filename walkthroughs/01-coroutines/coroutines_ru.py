"""Корутины: `async def` создаёт корутинную функцию; `await` выполняет корутину до конца."""
import asyncio


async def brew(drink: str, seconds: float) -> str:
    print(f"start brewing {drink}")
    await asyncio.sleep(seconds)  # приостанавливает эту корутину; тем временем цикл событий выполняет другие
    print(f"{drink} is ready")  # lens: stop here
    return drink


async def main() -> None:
    coro = brew("tea", 1.0)  # вызов корутинной функции пока ничего не выполняет...
    print(f"made {type(coro).__name__} object")
    drink = await coro  # ...await выполняет её здесь и сейчас до конца
    print(f"got {drink}")

    # Две корутины, ожидаемые одна за другой, занимают сумму своих времён.
    for name in ("coffee", "cocoa"):
        await brew(name, 0.3)


if __name__ == "__main__":
    asyncio.run(main())  # создаёт цикл событий, запускает main() первой задачей, закрывает цикл
