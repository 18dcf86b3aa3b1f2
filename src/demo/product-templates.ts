/**
 * @module demo/product-templates
 * The assortment of the demo chain: categories of sustainable products with their price range,
 * unit, shelf life, certifications, demand velocity, price elasticity and seasonal profile.
 */

export type SalesUnit = 'piece' | 'kg' | 'litre' | 'pack';

/** Shape of yearly demand: which part of the year peaks (hemisphere-aware in the simulator). */
export type SeasonShape = 'flat' | 'summer' | 'winter' | 'spring' | 'school';

export interface ProductTemplate {
  name: string;
  unit: SalesUnit;
  /** Euro shelf price range in the euro area. */
  priceEur: readonly [number, number];
  /** Shelf-life range in days; absent for goods that do not expire. */
  shelfLifeDays?: readonly [number, number];
  certifications: readonly string[];
  variants: readonly string[];
  /** Only sold in these countries (regional products); absent = everywhere. */
  countries?: readonly string[];
}

export interface Category {
  name: string;
  /** Two letters used in SKUs. */
  code: string;
  /** Relative number of products in the range. */
  weight: number;
  season: SeasonShape;
  /** Amplitude of the yearly cycle (0.9 = peak almost 2× the mean, trough near zero). */
  seasonAmplitude: number;
  /** Extra demand at the December peak (1 = doubles), scaled by the market's Christmas strength. */
  gift: number;
  /** Extra demand in the two weeks before Easter where Easter is a retail event. */
  easter: number;
  /** Mean units per day in a medium store for a regular mover (log-uniform between the two). */
  velocity: readonly [number, number];
  /** Share of slow movers with intermittent demand (0.04–0.35 units per day). */
  slowShare: number;
  /** Own-price elasticity range (positive numbers; demand ∝ price^-elasticity). */
  elasticity: readonly [number, number];
  /** Too large for a kiosk. */
  bulky: boolean;
  templates: readonly ProductTemplate[];
}

export const CATEGORIES: readonly Category[] = [
  {
    name: 'household',
    code: 'HH',
    weight: 1.4,
    season: 'spring',
    seasonAmplitude: 0.08,
    gift: 0,
    easter: 0,
    velocity: [1.5, 5],
    slowShare: 0.05,
    elasticity: [1.2, 2],
    bulky: false,
    templates: [
      {
        name: 'Refill laundry liquid',
        unit: 'litre',
        priceEur: [3.2, 4.6],
        shelfLifeDays: [540, 730],
        certifications: ['eu-ecolabel', 'ecocert', 'vegan'],
        variants: ['lavender', 'unscented', 'sensitive', 'citrus'],
      },
      {
        name: 'Refill dish soap',
        unit: 'litre',
        priceEur: [2.6, 3.6],
        shelfLifeDays: [540, 730],
        certifications: ['eu-ecolabel', 'ecocert'],
        variants: ['lemon', 'mint', 'unscented'],
      },
      {
        name: 'All-purpose cleaner concentrate',
        unit: 'pack',
        priceEur: [4.5, 6.5],
        shelfLifeDays: [720, 1095],
        certifications: ['eu-ecolabel', 'cradle-to-cradle'],
        variants: ['eucalyptus', 'orange', 'fragrance-free'],
      },
      {
        name: 'Plastic-free dishwasher tablets',
        unit: 'pack',
        priceEur: [6, 9],
        shelfLifeDays: [540, 730],
        certifications: ['eu-ecolabel', 'vegan'],
        variants: ['30 pcs', '60 pcs'],
      },
      {
        name: 'Compostable sponges',
        unit: 'pack',
        priceEur: [3, 5],
        certifications: ['fsc'],
        variants: ['3 pack', '6 pack'],
      },
    ],
  },
  {
    name: 'personal-care',
    code: 'PC',
    weight: 1.3,
    season: 'flat',
    seasonAmplitude: 0.04,
    gift: 0.25,
    easter: 0,
    velocity: [0.8, 3.5],
    slowShare: 0.15,
    elasticity: [1, 1.8],
    bulky: false,
    templates: [
      {
        name: 'Bamboo toothbrush',
        unit: 'piece',
        priceEur: [2.9, 4.5],
        certifications: ['fsc', 'vegan'],
        variants: ['soft', 'medium', 'kids', 'charcoal'],
      },
      {
        name: 'Shampoo bar',
        unit: 'piece',
        priceEur: [8, 11],
        shelfLifeDays: [365, 540],
        certifications: ['cosmos-organic', 'vegan'],
        variants: ['oat', 'rosemary', 'citrus', 'nettle'],
      },
      {
        name: 'Solid conditioner bar',
        unit: 'piece',
        priceEur: [9, 12],
        shelfLifeDays: [365, 540],
        certifications: ['cosmos-organic', 'vegan'],
        variants: ['argan', 'coconut'],
      },
      {
        name: 'Natural deodorant stick',
        unit: 'piece',
        priceEur: [7, 10],
        shelfLifeDays: [365, 540],
        certifications: ['cosmos-organic', 'vegan'],
        variants: ['bergamot', 'unscented', 'cedar'],
      },
      {
        name: 'Toothpaste tablets',
        unit: 'pack',
        priceEur: [6, 8],
        shelfLifeDays: [540, 730],
        certifications: ['vegan'],
        variants: ['mint', 'kids strawberry'],
      },
      {
        name: 'Stainless safety razor',
        unit: 'piece',
        priceEur: [24, 35],
        certifications: ['b-corp'],
        variants: ['rose gold', 'black'],
      },
    ],
  },
  {
    name: 'coffee-tea',
    code: 'CT',
    weight: 1.1,
    season: 'winter',
    seasonAmplitude: 0.15,
    gift: 0.35,
    easter: 0,
    velocity: [0.8, 3],
    slowShare: 0.08,
    elasticity: [1.1, 2.2],
    bulky: false,
    templates: [
      {
        name: 'Organic coffee beans 250 g',
        unit: 'pack',
        priceEur: [6, 9],
        shelfLifeDays: [270, 365],
        certifications: ['fairtrade', 'organic'],
        variants: ['Ethiopia Sidamo', 'Peru Cajamarca', 'Honduras', 'espresso blend'],
      },
      {
        name: 'Organic coffee beans',
        unit: 'kg',
        priceEur: [22, 30],
        shelfLifeDays: [270, 365],
        certifications: ['fairtrade', 'organic', 'rainforest-alliance'],
        variants: ['house blend', 'decaf'],
      },
      {
        name: 'Loose-leaf green tea',
        unit: 'pack',
        priceEur: [5, 8],
        shelfLifeDays: [540, 730],
        certifications: ['organic'],
        variants: ['sencha', 'jasmine'],
      },
      {
        name: 'Rooibos tea',
        unit: 'pack',
        priceEur: [4, 6],
        shelfLifeDays: [540, 730],
        certifications: ['fairtrade', 'organic'],
        variants: ['classic', 'vanilla'],
        countries: ['ZA', 'DE', 'NL', 'GB', 'SE', 'FR'],
      },
      {
        name: 'Masala chai blend',
        unit: 'pack',
        priceEur: [4.5, 7],
        shelfLifeDays: [365, 540],
        certifications: ['organic', 'fairtrade'],
        variants: ['classic', 'ginger'],
        countries: ['IN', 'GB', 'US', 'CA', 'AU'],
      },
    ],
  },
  {
    name: 'chocolate',
    code: 'CH',
    weight: 0.9,
    season: 'winter',
    seasonAmplitude: 0.12,
    gift: 1.1,
    easter: 0.9,
    velocity: [1, 4],
    slowShare: 0.05,
    elasticity: [1.4, 2.4],
    bulky: false,
    templates: [
      {
        name: 'Fair-trade dark chocolate 70%',
        unit: 'piece',
        priceEur: [2.8, 3.8],
        shelfLifeDays: [270, 365],
        certifications: ['fairtrade', 'organic'],
        variants: ['plain', 'sea salt', 'orange', 'almond'],
      },
      {
        name: 'Fair-trade oat milk chocolate',
        unit: 'piece',
        priceEur: [3, 4],
        shelfLifeDays: [240, 300],
        certifications: ['fairtrade', 'organic', 'vegan'],
        variants: ['plain', 'hazelnut', 'caramel'],
      },
      {
        name: 'Praline gift box',
        unit: 'piece',
        priceEur: [14, 20],
        shelfLifeDays: [120, 180],
        certifications: ['fairtrade'],
        variants: ['9 pieces', '16 pieces'],
      },
    ],
  },
  {
    name: 'pantry',
    code: 'PA',
    weight: 1.2,
    season: 'flat',
    seasonAmplitude: 0.05,
    gift: 0.1,
    easter: 0,
    velocity: [1.2, 4.5],
    slowShare: 0.08,
    elasticity: [1.2, 2.2],
    bulky: false,
    templates: [
      {
        name: 'Organic rolled oats',
        unit: 'kg',
        priceEur: [2.8, 4.2],
        shelfLifeDays: [240, 365],
        certifications: ['organic'],
        variants: ['fine', 'jumbo', 'gluten-free'],
      },
      {
        name: 'Organic red lentils',
        unit: 'kg',
        priceEur: [4, 5.5],
        shelfLifeDays: [365, 540],
        certifications: ['organic'],
        variants: ['split', 'whole'],
      },
      {
        name: 'Fair-trade cashews',
        unit: 'kg',
        priceEur: [18, 26],
        shelfLifeDays: [180, 270],
        certifications: ['fairtrade', 'organic'],
        variants: ['raw', 'roasted'],
      },
      {
        name: 'Dried mango',
        unit: 'pack',
        priceEur: [3.5, 5],
        shelfLifeDays: [180, 270],
        certifications: ['fairtrade', 'organic'],
        variants: ['100 g', '250 g'],
      },
      {
        name: 'Extra virgin olive oil refill',
        unit: 'litre',
        priceEur: [11, 16],
        shelfLifeDays: [365, 540],
        certifications: ['organic'],
        variants: ['Andalucía', 'Crete'],
      },
    ],
  },
  {
    name: 'kitchen',
    code: 'KI',
    weight: 1,
    season: 'summer',
    seasonAmplitude: 0.2,
    gift: 0.5,
    easter: 0,
    velocity: [0.3, 1.5],
    slowShare: 0.3,
    elasticity: [0.9, 1.6],
    bulky: false,
    templates: [
      {
        name: 'Beeswax food wraps',
        unit: 'pack',
        priceEur: [12, 18],
        shelfLifeDays: [540, 730],
        certifications: ['organic'],
        variants: ['set of 3', 'bread wrap', 'floral set'],
      },
      {
        name: 'Stainless steel straw set',
        unit: 'pack',
        priceEur: [7, 10],
        certifications: [],
        variants: ['straight', 'bent'],
      },
      {
        name: 'Insulated reusable bottle',
        unit: 'piece',
        priceEur: [20, 32],
        certifications: ['b-corp'],
        variants: ['500 ml', '750 ml', '1 l'],
      },
      {
        name: 'Bamboo cutlery travel set',
        unit: 'piece',
        priceEur: [9, 13],
        certifications: ['fsc'],
        variants: ['natural', 'charcoal'],
      },
      {
        name: 'Glass storage jar',
        unit: 'piece',
        priceEur: [5, 9],
        certifications: [],
        variants: ['0.5 l', '1 l', '2 l'],
      },
    ],
  },
  {
    name: 'sun-care',
    code: 'SU',
    weight: 0.5,
    season: 'summer',
    seasonAmplitude: 0.9,
    gift: 0,
    easter: 0,
    velocity: [0.4, 2.2],
    slowShare: 0.1,
    elasticity: [0.8, 1.4],
    bulky: false,
    templates: [
      {
        name: 'Mineral sunscreen',
        unit: 'piece',
        priceEur: [12, 18],
        shelfLifeDays: [365, 540],
        certifications: ['cosmos-organic', 'vegan'],
        variants: ['SPF 30', 'SPF 50', 'kids SPF 50'],
      },
      {
        name: 'Aloe after-sun gel',
        unit: 'piece',
        priceEur: [8, 12],
        shelfLifeDays: [365, 540],
        certifications: ['cosmos-organic'],
        variants: ['200 ml'],
      },
    ],
  },
  {
    name: 'solar',
    code: 'SO',
    weight: 0.5,
    season: 'summer',
    seasonAmplitude: 0.55,
    gift: 0.6,
    easter: 0,
    velocity: [0.1, 0.5],
    slowShare: 0.6,
    elasticity: [1.5, 2.5],
    bulky: true,
    templates: [
      {
        name: 'Solar power bank 10000 mAh',
        unit: 'piece',
        priceEur: [35, 55],
        certifications: [],
        variants: ['grey', 'green'],
      },
      {
        name: 'Solar camping lantern',
        unit: 'piece',
        priceEur: [20, 30],
        certifications: [],
        variants: ['foldable', 'classic'],
      },
      {
        name: 'Foldable solar charger panel',
        unit: 'piece',
        priceEur: [70, 95],
        certifications: [],
        variants: ['21 W', '28 W'],
      },
    ],
  },
  {
    name: 'stationery',
    code: 'ST',
    weight: 0.8,
    season: 'school',
    seasonAmplitude: 0.6,
    gift: 0.3,
    easter: 0,
    velocity: [0.5, 2],
    slowShare: 0.15,
    elasticity: [1.1, 1.8],
    bulky: false,
    templates: [
      {
        name: 'Recycled-paper notebook A5',
        unit: 'piece',
        priceEur: [4, 7],
        certifications: ['fsc', 'blue-angel'],
        variants: ['dotted', 'lined', 'blank', 'squared'],
      },
      {
        name: 'Plantable seed-paper pencils',
        unit: 'pack',
        priceEur: [6, 9],
        certifications: ['fsc'],
        variants: ['herbs', 'flowers'],
      },
      {
        name: 'Recycled-paper weekly planner',
        unit: 'piece',
        priceEur: [15, 20],
        certifications: ['fsc', 'blue-angel'],
        variants: ['A5', 'pocket'],
      },
    ],
  },
  {
    name: 'gifts-home',
    code: 'GH',
    weight: 0.8,
    season: 'winter',
    seasonAmplitude: 0.15,
    gift: 2.2,
    easter: 0.2,
    velocity: [0.15, 0.8],
    slowShare: 0.45,
    elasticity: [0.8, 1.4],
    bulky: true,
    templates: [
      {
        name: 'Soy wax candle',
        unit: 'piece',
        priceEur: [14, 22],
        certifications: ['vegan'],
        variants: ['fig', 'cedar', 'sea breeze'],
      },
      {
        name: 'Zero-waste gift set',
        unit: 'piece',
        priceEur: [25, 40],
        certifications: ['b-corp'],
        variants: ['bathroom', 'kitchen'],
      },
      {
        name: 'Cork yoga mat',
        unit: 'piece',
        priceEur: [45, 60],
        certifications: ['fsc'],
        variants: ['4 mm', '6 mm'],
      },
    ],
  },
  {
    name: 'garden',
    code: 'GA',
    weight: 0.5,
    season: 'spring',
    seasonAmplitude: 0.7,
    gift: 0.1,
    easter: 0.2,
    velocity: [0.2, 1],
    slowShare: 0.35,
    elasticity: [1, 1.6],
    bulky: true,
    templates: [
      {
        name: 'Heirloom seed kit',
        unit: 'pack',
        priceEur: [5, 9],
        shelfLifeDays: [540, 730],
        certifications: ['organic'],
        variants: ['herbs', 'tomatoes', 'wildflowers'],
      },
      {
        name: 'Compost starter',
        unit: 'kg',
        priceEur: [6, 9],
        shelfLifeDays: [365, 730],
        certifications: ['organic'],
        variants: ['1 kg'],
      },
      {
        name: 'Wooden bee hotel',
        unit: 'piece',
        priceEur: [20, 28],
        certifications: ['fsc'],
        variants: ['small', 'large'],
      },
    ],
  },
  {
    name: 'textiles',
    code: 'TX',
    weight: 0.7,
    season: 'winter',
    seasonAmplitude: 0.1,
    gift: 0.7,
    easter: 0,
    velocity: [0.15, 0.7],
    slowShare: 0.4,
    elasticity: [1, 1.7],
    bulky: false,
    templates: [
      {
        name: 'Organic cotton socks',
        unit: 'pack',
        priceEur: [9, 14],
        certifications: ['fairtrade', 'gots'],
        variants: ['2 pairs', '3 pairs'],
      },
      {
        name: 'Organic cotton tote bag',
        unit: 'piece',
        priceEur: [8, 12],
        certifications: ['gots'],
        variants: ['natural', 'printed'],
      },
      {
        name: 'Bamboo-fibre T-shirt',
        unit: 'piece',
        priceEur: [22, 30],
        certifications: ['fsc'],
        variants: ['S', 'M', 'L'],
      },
    ],
  },
];

/** Product-line names prefixed to template names so a large range stays unique and varied. */
export const PRODUCT_LINES: readonly string[] = [
  'Verde',
  'Kind Earth',
  'Loop',
  'Terra',
  'Seedling',
  'Good Harvest',
  'Blue Planet',
  'Sunleaf',
  'Fairfield',
  'Wildroot',
];
